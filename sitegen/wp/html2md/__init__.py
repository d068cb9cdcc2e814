"""WordPress HTML to Markdown: `convert.convert` and the parts it is made of."""
