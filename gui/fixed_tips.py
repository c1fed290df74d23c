"""The supervisor's fixed tips: kept in tips/fixed.py, where the "fixed"
condition reads them for the app and the command line alike; this name stays
for the desk's editor."""
from tips.fixed import HANDCRAFTED, MAX_TIPS, default_path, fixed_texts, load_fixed, save_fixed

__all__ = ["HANDCRAFTED", "MAX_TIPS", "default_path", "fixed_texts", "load_fixed", "save_fixed"]
