"""The build: the orchestrator and its stages (plan, render, output), the outputs
only a build makes (feed jobs, redirects, sitemap, query lookup), and its state."""
