"""File ingestion: parse .txt/.md/.docx/.pdf/.html files into plain text plus metadata."""
