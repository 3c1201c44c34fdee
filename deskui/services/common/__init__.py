"""The services' toolbox: plain helpers every domain uses, each a public module imported by name.

- `text`: checks of typed text (check_text, choose, field_label);
- `places`: unit spellings and phone numbers; `pinyin`: names' spellings; `shifts`: which shift a moment is in;
- `timeparse`: times as typed; `search`: the character index behind substring search;
- `tabular`: an import file's rows (CSV through `csvfiles` and `encodings`, .xlsx through `xlsxfiles`);
  `exportfiles`: spreadsheet-safe cells and private export files;
- `masking`: secrets kept out of messages; `anchors`: the seal key and anchor file of signed records.

This file imports nothing: `places` and `shifts` are used before the first frame is painted, and importing this
package must not load the heavier modules.
"""
