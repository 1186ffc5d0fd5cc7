"""Extensions of the archive crawler."""
