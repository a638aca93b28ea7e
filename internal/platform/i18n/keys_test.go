package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	tmplKey  = regexp.MustCompile(`\b(?:t|tn) "([^"]+)"`)
	labelKey = regexp.MustCompile(`field \.Form "[^"]+" "([^"]+)"`)
	hintKey  = regexp.MustCompile(`"hint:([^"]+)"`)
	goKey    = regexp.MustCompile(`"([a-z]+\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)"`)
)

// Every key a template or the Go code uses must be in the catalogs: a word
// missing from the catalogs would show as its key to the person.
func TestEveryUsedKeyIsInTheCatalogs(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	fr := All()[Default]
	namespaces := map[string]bool{}
	for k := range fr {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	used := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		isHTML := strings.HasSuffix(path, ".html")
		isGo := strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go")
		if !isHTML && !isGo {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if isHTML {
			for _, re := range []*regexp.Regexp{tmplKey, labelKey, hintKey} {
				for _, m := range re.FindAllStringSubmatch(src, -1) {
					used[m[1]] = path
				}
			}
			return nil
		}
		for _, m := range goKey.FindAllStringSubmatch(src, -1) {
			ns, _, _ := strings.Cut(m[1], ".")
			if namespaces[ns] {
				used[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use: is the walk looking at the right tree?", len(used))
	}
	// Keys built at run time from a status, a role or a language.
	for _, status := range []string{"400", "401", "403", "404", "413", "500", "503"} {
		used["error."+status+".title"], used["error."+status+".body"] = "error.html", "error.html"
	}
	for _, role := range []string{"admin", "manager", "adviser"} {
		used["role."+role] = "role options"
	}
	for _, lang := range Languages {
		used["lang."+lang] = "language options"
	}
	used["saved"] = "flash"
	for key, where := range used {
		if _, ok := fr[key]; !ok {
			t.Errorf("%s uses %q, which is not in the catalogs", where, key)
		}
	}
}
