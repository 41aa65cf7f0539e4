"""Jobs: queue, workers, scheduler, event bus, notifications, webhooks helpers."""
