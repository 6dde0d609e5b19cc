"""finews: crawl Eastmoney news and archive it as Jekyll posts."""
