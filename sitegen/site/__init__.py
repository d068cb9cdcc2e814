"""The assembled site model that render, feeds and search share: `assemble.Site`,
the views templates read, comment threads. It imports none of them."""
