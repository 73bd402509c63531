"""The Digital Agency's municipal standard open-data sets (自治体標準オープンデータセット): spec, sources, normalisation."""
