"""Response and request models of the /api routes, one file per router/resource."""
