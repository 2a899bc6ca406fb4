"""The deterministic sample-data generator behind `klima sample-data`.

It writes a complete raw folder in the formats of formats.md: Energistyrelsen's real
municipal emissions (2018–2023) where they exist, the population those inventories
imply, and invented but plausible plans, action surveys, StatBank counts, regional
indicators and development tracks, clearly labelled in the folder's `MANIFEST.json`.
"""

from klima_pipeline.sample_data.generator import write_sample_data

__all__ = ["write_sample_data"]
