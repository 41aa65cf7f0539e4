"""Guards that every layer shares: outbound URLs, filesystem paths, uploads, archives."""
