"""The sandbox's admin API: who may call it (``auth``), its routes and its handlers."""
