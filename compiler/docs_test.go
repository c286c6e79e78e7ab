package compiler

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestErrorsDoc keeps docs/errors.md true: every example there is compiled, and every diagnostic line the doc
// shows for it must be printed, with its position.
func TestErrorsDoc(t *testing.T) {
	doc, err := os.ReadFile("../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	preamble := "CREATE STREAM orders (symbol VARCHAR, price DECIMAL(12,4), event_time TIMESTAMP)\n" +
		"  WITH ('path' = 'orders.jsonl', 'event.time.field' = 'event_time');\n"
	sections := regexp.MustCompile("(?m)^## ").Split(string(doc), -1)
	block := regexp.MustCompile("(?s)```sql\n(.*?)```\\s*```\n(.*?)```")
	checked := 0
	for _, sec := range sections[1:] {
		title := strings.SplitN(sec, "\n", 2)[0]
		for _, m := range block.FindAllStringSubmatch(sec, -1) {
			script, want := m[1], strings.TrimSpace(m[2])
			if strings.Contains(script, "orders") && !strings.Contains(strings.ToUpper(script), "CREATE STREAM ORDERS") {
				script = preamble + script
			}
			_, diags := Compile("job.sql", []byte(script), &Options{ReadFile: func(string) ([]byte, error) { return nil, os.ErrNotExist }})
			var got []string
			for _, d := range diags {
				got = append(got, d.String())
			}
			for _, line := range strings.Split(want, "\n") {
				if !strings.HasPrefix(line, "job.sql:") {
					continue
				}
				checked++
				found := false
				for _, g := range got {
					if g == line {
						found = true
					}
				}
				if !found {
					t.Errorf("docs/errors.md %s: the example does not print\n  %s\ngot:\n  %s", title, line, strings.Join(got, "\n  "))
				}
			}
		}
	}
	if checked < 15 {
		t.Fatalf("only %d diagnostics checked; has the layout of docs/errors.md changed?", checked)
	}
}
