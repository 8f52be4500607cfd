"""Optional backends behind small base classes: sentence embeddings and an LLM client.

Each has a shipped deterministic fake (:class:`~rolelens.backends.embeddings.FakeEmbedder`,
:class:`~rolelens.backends.llm.FakeLLM`) so tests and offline runs need nothing extra.
"""
