"""The only package that imports Ray: adapters that run the pure stages on Ray Data, Train and Serve."""
