//! Local state: config, profiles, credentials, catalog cache, baskets.
