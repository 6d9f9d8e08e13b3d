"""The hostile test corpus (issue 11): broken, malicious and unlucky grant exports built from
copies of the sample data, each checked for a balanced row account, a hand-computed euro total
(no amount guessed) and a Finnish refusal instead of a program error."""
