"""Config schemas (the only defaults) and the strict loader."""
from psyllm.config.loader import ConfigError, fingerprint, flatten, load_config, to_dict, to_yaml
from psyllm.config.schema import PsyllmConfig

__all__ = ["ConfigError", "PsyllmConfig", "fingerprint", "flatten", "load_config", "to_dict", "to_yaml"]
