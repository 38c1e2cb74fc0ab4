"""Calendar feeds: events as iCalendar for downloads, subscriptions and emails."""
