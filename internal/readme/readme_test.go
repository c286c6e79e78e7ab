// The README's shell blocks, run as a user would paste them into a shell.

package readme

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/velocc/velocc/internal/e2e"
	"github.com/velocc/velocc/internal/kafkatest"
)

// required are the names of the README's checked blocks that must exist: removing one's marker must not quietly
// stop checking it.
var required = []string{"quickstart", "run-and-test", "kafka"}

// marked matches a block the test runs or the output it checks: an HTML comment `<!-- test: NAME -->` right before
// a ```sh block, or `<!-- output: NAME -->` right before a plain ``` block.
var marked = regexp.MustCompile("(?ms)^<!-- (test|output): ([a-z0-9-]+) -->\n```([a-z]*)\n(.*?)^```$")

// readmeBlock is one name's commands (its ```sh blocks in order, run in one shell) and the lines its output must
// hold.
type readmeBlock struct {
	name     string
	commands []string
	output   []string
}

// parseReadme returns the marked blocks of the README in their order.
func parseReadme(t *testing.T, text string) []*readmeBlock {
	t.Helper()
	var blocks []*readmeBlock
	byName := map[string]*readmeBlock{}
	for _, m := range marked.FindAllStringSubmatch(text, -1) {
		kind, name, lang, body := m[1], m[2], m[3], m[4]
		b := byName[name]
		switch {
		case kind == "test" && lang != "sh":
			t.Fatalf("README.md: <!-- test: %s --> marks a ```%s block; it must mark a ```sh block", name, lang)
		case kind == "test":
			if b == nil {
				b = &readmeBlock{name: name}
				byName[name] = b
				blocks = append(blocks, b)
			}
			b.commands = append(b.commands, body)
		case lang != "":
			t.Fatalf("README.md: <!-- output: %s --> marks a ```%s block; it must mark a plain ``` block", name, lang)
		case b == nil:
			t.Fatalf("README.md: <!-- output: %s --> comes before any <!-- test: %s --> block", name, name)
		default:
			b.output = append(b.output, strings.Split(strings.TrimSuffix(body, "\n"), "\n")...)
		}
	}
	for _, name := range required {
		if byName[name] == nil {
			t.Errorf("README.md has no block marked <!-- test: %s -->", name)
		}
	}
	return blocks
}

// TestReadme runs each marked block of README.md with bash (-e, -o pipefail: every command must succeed) in a
// directory of its own, with the velocc built from this checkout first on PATH and TMPDIR in the test's
// temporary directory, as a user would after installing velocc. Each line of the block's documented output must
// be among the lines it prints on stdout (as a multiset: each documented line once for each time it is
// documented). A block that uses $BROKERS runs against the tests' broker (VELOCC_TEST_BROKERS), and one that uses
// kcat needs it installed; without them it is skipped, as the Kafka tests are.
func TestReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Go programs; skipped with -short")
	}
	root, err := e2e.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := parseReadme(t, string(text))

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "velocc"), "./cmd/velocc")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/velocc: %v\n%s", err, out)
	}
	for _, b := range blocks {
		t.Run(b.name, func(t *testing.T) { runBlock(t, b, bin) })
	}
}

// runBlock runs one block's commands and checks its output.
func runBlock(t *testing.T, b *readmeBlock, bin string) {
	script := strings.Join(b.commands, "\n")
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "VELOCC_BROKERS=") || strings.HasPrefix(kv, "BROKERS=")
	})
	if strings.Contains(script, "$BROKERS") {
		env = append(env, "BROKERS="+kafkatest.Brokers(t))
	}
	if strings.Contains(script, "kcat ") {
		kafkatest.Kcat(t)
	}
	dir, tmp := t.TempDir(), t.TempDir()
	path := filepath.Join(tmp, b.name+".sh")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "TMPDIR="+tmp)
	cmd := exec.Command("bash", "-e", "-o", "pipefail", path)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	report := fmt.Sprintf("README.md block %q:\n%s\nstdout:\n%s\nstderr:\n%s", b.name, script, stdout.String(), stderr.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, report)
	}
	got := strings.Split(stdout.String(), "\n")
	for _, want := range b.output {
		i := slices.Index(got, want)
		if i < 0 {
			t.Errorf("the output lacks the documented line\n  %s\n%s", want, report)
			continue
		}
		got = slices.Delete(got, i, i+1)
	}
}
