"""Storage: readers for local and s3:// inputs, atomic Parquet shards, manifests."""
