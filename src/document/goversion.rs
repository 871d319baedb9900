//! Go versions (replaced by the full implementation).
