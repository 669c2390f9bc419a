"""What every domain uses: permissions, time, Markdown, files, pagination, audit, base models."""
