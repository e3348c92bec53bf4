//! The message of an aggregate error (`k8s.io/apimachinery/pkg/util/errors`).

/// One message as is; several walked in order with repeats skipped, and if more than one
/// distinct message remains, `[a, b, ...]`.
pub fn aggregate_message(messages: &[String]) -> String {
    match messages {
        [] => String::new(),
        [one] => one.clone(),
        many => {
            let mut distinct: Vec<&str> = Vec::with_capacity(many.len());
            for m in many {
                if !distinct.contains(&m.as_str()) {
                    distinct.push(m);
                }
            }
            if distinct.len() == 1 {
                distinct[0].to_string()
            } else {
                format!("[{}]", distinct.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_apimachinery() {
        let s = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(aggregate_message(&s(&[])), "");
        assert_eq!(aggregate_message(&s(&["a"])), "a");
        assert_eq!(aggregate_message(&s(&["a", "a"])), "a");
        assert_eq!(aggregate_message(&s(&["a", "b", "a"])), "[a, b]");
    }
}
