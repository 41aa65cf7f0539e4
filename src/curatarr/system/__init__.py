"""System-wide answers that belong to no single area: service health checks, health snapshots,
the activity digest and cleanup candidates, the dashboard's instance health overview."""
