"""Voter-file imports: recognise the columns, read the CSV safely, write households in batches.

- `columns`: which header is which field (VAN, Action Network, plain, or an explicit mapping);
- `reader`: bytes in, numbered rows or rejections out (encodings, broken quotes, huge fields);
- `rows`: one row checked and normalised into a `CleanRow`, or a `Rejection` saying why not;
- `pipeline`: batches prepared (read, cleaned, tested against the district) in a helper
  thread or process while the writer writes the previous one;
- `writer`: one batch of clean rows written in one transaction with Core inserts;
- `service`: `import_voters`, the whole import and its report;
- `runs`: past imports and their rejected rows, for the page and the CLI;
- `census`: the US Census batch geocoder's answer file applied to a race's households.
"""
