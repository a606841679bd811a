namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>
/// A Jinja chat template that renders DeepSeek V4's chat format (encoding_dsv4; architecture reference §8):
/// <c>BOS {system}&lt;｜User｜&gt;{user}&lt;｜Assistant｜&gt;&lt;/think&gt;{answer}&lt;｜end▁of▁sentence｜&gt;</c>, or with
/// thinking <c>&lt;think&gt;{reasoning}&lt;/think&gt;</c>; reasoning of earlier turns is dropped. DeepSeek ships no Jinja
/// template for V4, so this one is written here; the engine's ChatEncoder recognises it as the V4 format.
/// </summary>
public static class DeepSeekV4ChatTemplate
{
    public const string Text =
        "{%- set thinking = thinking is defined and thinking -%}" +
        "{%- set ns = namespace(system='', last_user=-1) -%}" +
        "{%- for m in messages -%}" +
        "{%- if m['role'] == 'system' -%}{%- set ns.system = ns.system + (('\n\n') if ns.system else '') + m['content'] -%}{%- endif -%}" +
        "{%- if m['role'] == 'user' -%}{%- set ns.last_user = loop.index0 -%}{%- endif -%}" +
        "{%- endfor -%}" +
        "{{- bos_token + ns.system -}}" +
        "{%- for m in messages -%}" +
        "{%- if m['role'] == 'user' -%}" +
        "{{- '<｜User｜>' + m['content'] -}}" +
        "{%- if loop.last or messages[loop.index0 + 1]['role'] == 'assistant' -%}" +
        "{{- '<｜Assistant｜>' + ('<think>' if thinking and loop.index0 >= ns.last_user else '</think>') -}}" +
        "{%- endif -%}" +
        "{%- elif m['role'] == 'assistant' -%}" +
        "{%- if thinking and loop.index0 > ns.last_user -%}{{- (m['reasoning_content'] or '') + '</think>' -}}{%- endif -%}" +
        "{{- m['content'] + '<｜end▁of▁sentence｜>' -}}" +
        "{%- endif -%}" +
        "{%- endfor -%}";
}
