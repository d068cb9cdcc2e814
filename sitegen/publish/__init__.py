"""Publishing a built site: object storage deploys (`sitegen publish`) and snapshots (`archive`).

The pieces, in the order a publish uses them: `settings` (the `[publish]` table), `localsite`
(walk the built site into objects with hashes and headers), `store` (the ObjectStore protocol and
target parsing; `local` and `s3` implement it), `plan` (the pure diff), `sync` (execution) and
`archive` (content-addressed snapshots).
"""
