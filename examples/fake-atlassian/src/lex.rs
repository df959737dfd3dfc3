//! The tokenizer JQL and CQL share: words, quoted strings (`"…"` or `'…'`, `\` escapes the
//! next character), the operators `= != ~ !~ > >= < <=`, parentheses and commas. CQL has no
//! comparisons: its parser refuses the `<`/`>` tokens like any other misplaced token.

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
#[derive(Debug, Clone, PartialEq, Eq)]
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
