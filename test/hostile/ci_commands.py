# Hostile: prints GitHub Actions workflow commands, hoping the grader's job log echoes them at a
# line start (a fake "Full marks" annotation, a mask, an output, the runner's commands stopped
# with a token of its own), Markdown for the step summary, and last a line whose command lands
# at a line start once the report word-wraps the check's explanation quoting it (at 100 columns).
print("start", flush=True)
print("::warning title=Grader::Full marks")
print("::add-mask::hunter2")
print("##[set-output name=x;]100")
print("::stop-commands::tok")
print("::error::after my own stop-commands")
print("::tok::")
print("   ::notice::indented")
print("ok\r::error::after a carriage return")
print("see [full marks](https://evil.example) ![img](https://evil.example/x.png)")
print("word " * 7 + "::warning title=wrapped::Full marks via word wrap")
