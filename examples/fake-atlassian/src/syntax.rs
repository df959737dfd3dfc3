//! What JQL and CQL share: the tokenizer (words, quoted strings `"…"` or `'…'` where `\`
//! escapes the next character, the operators `= != ~ !~ > >= < <=`, parentheses and commas),
//! the token cursor their parsers walk, and the condition tree. CQL has no comparisons: its
//! parser refuses the `<`/`>` tokens like any other misplaced token.

/// A token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An unquoted word (identifier, number, key, function name).
    Word(String),
    /// A quoted string, unescaped.
    Quoted(String),
    /// An operator.
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

/// Why a text does not tokenize; `position` is a char index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LexError {
    /// A quoted string without its closing quote.
    Unterminated { position: usize },
    /// A `!` not followed by `=` or `~`.
    Reserved { character: char, position: usize },
}

/// The tokens of `text`, each with the char index where it starts.
pub(crate) fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, LexError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let start = i;
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | ',' | '=' | '~' => {
                out.push((
                    match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        ',' => Tok::Comma,
                        '=' => Tok::Op("="),
                        _ => Tok::Op("~"),
                    },
                    start,
                ));
                i += 1;
            }
            '"' | '\'' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(LexError::Unterminated { position: start }),
                        Some('\\') => {
                            if let Some(&next) = chars.get(i + 1) {
                                value.push(next);
                            }
                            i += 2;
                        }
                        Some(&q) if q == c => {
                            i += 1;
                            break;
                        }
                        Some(&other) => {
                            value.push(other);
                            i += 1;
                        }
                    }
                }
                out.push((Tok::Quoted(value), start));
            }
            '!' | '>' | '<' => {
                let op = match (c, chars.get(i + 1)) {
                    ('!', Some('=')) => "!=",
                    ('!', Some('~')) => "!~",
                    ('>', Some('=')) => ">=",
                    ('<', Some('=')) => "<=",
                    ('>', _) => ">",
                    ('<', _) => "<",
                    _ => {
                        return Err(LexError::Reserved {
                            character: c,
                            position: start,
                        });
                    }
                };
                i += op.len();
                out.push((Tok::Op(op), start));
            }
            _ => {
                let mut word = String::new();
                while let Some(&w) = chars.get(i) {
                    if w.is_whitespace() || "()=,~!<>\"'".contains(w) {
                        break;
                    }
                    word.push(w);
                    i += 1;
                }
                out.push((Tok::Word(word), start));
            }
        }
    }
    Ok(out)
}

/// The tokens of a query and the parser's place in them.
pub(crate) struct Tokens {
    toks: Vec<(Tok, usize)>,
    /// The index of the next token.
    pub(crate) pos: usize,
    /// The length of the text in chars (the position of "end of input").
    end: usize,
}

impl Tokens {
    /// The tokens of `text`, at the first.
    pub(crate) fn new(text: &str) -> Result<Self, LexError> {
        Ok(Self {
            toks: tokenize(text)?,
            pos: 0,
            end: text.chars().count(),
        })
    }

    /// The next token, not consumed.
    pub(crate) fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    /// The char position of the next token (the text's length at the end).
    pub(crate) fn here(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(_, p)| *p)
    }

    /// The next token, consumed.
    pub(crate) fn next(&mut self) -> Option<Tok> {
        let tok = self.toks.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        tok
    }

    /// Whether the next token is the (case-insensitive) keyword `word`.
    pub(crate) fn keyword(&self, word: &str) -> bool {
        self.keyword_at(0, word)
    }

    /// Whether the token `offset` places ahead is the keyword `word`.
    pub(crate) fn keyword_at(&self, offset: usize, word: &str) -> bool {
        matches!(self.toks.get(self.pos + offset), Some((Tok::Word(w), _)) if w.eq_ignore_ascii_case(word))
    }

    /// Whether `ORDER BY` comes next.
    pub(crate) fn at_order_by(&self) -> bool {
        self.keyword("order") && self.keyword_at(1, "by")
    }
}

/// A condition tree over fields `F`, operators `O` and values `V`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Clause<F, O, V> {
    And(Box<Clause<F, O, V>>, Box<Clause<F, O, V>>),
    Or(Box<Clause<F, O, V>>, Box<Clause<F, O, V>>),
    Not(Box<Clause<F, O, V>>),
    Term { field: F, op: O, values: Vec<V> },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        tokenize(text)
            .expect("tokenizes")
            .into_iter()
            .map(|(t, _)| t)
            .collect()
    }

    #[test]
    fn tokens_and_positions() {
        assert_eq!(
            toks(r#"space in (ENG,"a \"b\"") AND x>=1 OR y !~ 'z'"#),
            [
                Tok::Word("space".into()),
                Tok::Word("in".into()),
                Tok::LParen,
                Tok::Word("ENG".into()),
                Tok::Comma,
                Tok::Quoted("a \"b\"".into()),
                Tok::RParen,
                Tok::Word("AND".into()),
                Tok::Word("x".into()),
                Tok::Op(">="),
                Tok::Word("1".into()),
                Tok::Word("OR".into()),
                Tok::Word("y".into()),
                Tok::Op("!~"),
                Tok::Quoted("z".into()),
            ]
        );
        assert_eq!(
            tokenize("a = 'b").expect_err("refused"),
            LexError::Unterminated { position: 4 }
        );
        assert_eq!(
            tokenize(r#"a = "b\"#).expect_err("refused"),
            LexError::Unterminated { position: 4 }
        );
        assert_eq!(
            tokenize("a ! b").expect_err("refused"),
            LexError::Reserved {
                character: '!',
                position: 2
            }
        );
    }
}
