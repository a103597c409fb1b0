"""Raw layer, used only by extraction: the manifest and checksums, column definitions, suppression symbols."""
