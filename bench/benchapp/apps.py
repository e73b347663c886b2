from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    name = "bench.benchapp"
    label = "benchapp"
    verbose_name = "Benchmarks"

    def ready(self) -> None:
        from bench.benchapp import layers  # noqa: F401  (registers the bench layer)
