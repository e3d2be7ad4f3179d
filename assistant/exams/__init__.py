"""Office exams (学法考试): set by admins for everyone, departments or people; taken on the
server's clock; results for the office."""
