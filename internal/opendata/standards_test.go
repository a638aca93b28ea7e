package opendata_test

// Checkers for the two national standards, read from ../shared/standards beside the
// repository (never copied into it): a small Table Schema checker for the lieux CSV,
// and santhosh-tekuri/jsonschema for data·inclusion.

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"tremplin/internal/opendata"
)

// standardsDir is ../shared/standards relative to the module root (the directory
// holding go.mod), where CI puts the shared folder beside the clone.
func standardsDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory: cannot find the module root")
		}
		dir = parent
	}
	std := filepath.Join(dir, "..", "shared", "standards")
	for _, f := range []string{"lieux-mediation-numerique/schema.json", "data-inclusion/v1/structure.json", "data-inclusion/v1/service.json"} {
		if _, err := os.Stat(filepath.Join(std, f)); err != nil {
			t.Fatalf("the open-data standards must be at %s (the shared folder beside the repository): %v", std, err)
		}
	}
	return std
}

// --- Table Schema -------------------------------------------------------------

type tsField struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	Format      string `json:"format"`
	Constraints struct {
		Required  bool     `json:"required"`
		Unique    bool     `json:"unique"`
		Pattern   string   `json:"pattern"`
		Enum      []string `json:"enum"`
		MaxLength *int     `json:"maxLength"`
		MinLength *int     `json:"minLength"`
	} `json:"constraints"`
}

type tableSchema struct {
	Fields []tsField `json:"fields"`
}

func loadTableSchema(t testing.TB) *tableSchema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(standardsDir(t), "lieux-mediation-numerique", "schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var ts tableSchema
	if err := json.Unmarshal(b, &ts); err != nil {
		t.Fatal(err)
	}
	if len(ts.Fields) < 30 {
		t.Fatalf("the lieux schema has only %d fields", len(ts.Fields))
	}
	return &ts
}

func (ts *tableSchema) names() []string {
	var out []string
	for _, f := range ts.Fields {
		out = append(out, f.Name)
	}
	return out
}

// check returns every problem of a table (header row first) against the schema:
// field names in order, required, type and format, pattern (matching the whole
// value, as Table Schema patterns do), enum, lengths and uniqueness.
func (ts *tableSchema) check(records [][]string) []string {
	var problems []string
	if len(records) == 0 {
		return []string{"no header row"}
	}
	if !slices.Equal(records[0], ts.names()) {
		problems = append(problems, fmt.Sprintf("header %q, want %q", records[0], ts.names()))
	}
	seen := map[string]map[string]bool{}
	for i, row := range records[1:] {
		if len(row) != len(ts.Fields) {
			problems = append(problems, fmt.Sprintf("row %d: %d cells, want %d", i+2, len(row), len(ts.Fields)))
			continue
		}
		for j, f := range ts.Fields {
			if msg := f.checkCell(row[j]); msg != "" {
				problems = append(problems, fmt.Sprintf("row %d, %s: %s", i+2, f.Name, msg))
			}
			if f.Constraints.Unique && row[j] != "" {
				if seen[f.Name] == nil {
					seen[f.Name] = map[string]bool{}
				}
				if seen[f.Name][row[j]] {
					problems = append(problems, fmt.Sprintf("row %d, %s: %q is not unique", i+2, f.Name, row[j]))
				}
				seen[f.Name][row[j]] = true
			}
		}
	}
	return problems
}

func (f tsField) checkCell(v string) string {
	c := f.Constraints
	if v == "" {
		if c.Required {
			return "required but empty"
		}
		return ""
	}
	switch f.Type {
	case "string":
		switch f.Format {
		case "email":
			if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
				return fmt.Sprintf("%q is not an email address", v)
			}
		case "uri":
			if u, err := url.Parse(v); err != nil || u.Scheme == "" {
				return fmt.Sprintf("%q is not a URI", v)
			}
		}
	case "number":
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return fmt.Sprintf("%q is not a number", v)
		}
	case "integer":
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			return fmt.Sprintf("%q is not an integer", v)
		}
	case "boolean":
		if v != "true" && v != "false" {
			return fmt.Sprintf("%q is not a boolean", v)
		}
	case "date":
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			return fmt.Sprintf("%q is not a date YYYY-MM-DD", v)
		}
	default:
		return "unknown type " + f.Type
	}
	if c.Pattern != "" && !regexp.MustCompile(`^(?:`+c.Pattern+`)$`).MatchString(v) {
		return fmt.Sprintf("%q does not match %s", v, c.Pattern)
	}
	if len(c.Enum) > 0 && !slices.Contains(c.Enum, v) {
		return fmt.Sprintf("%q is not one of %q", v, c.Enum)
	}
	if n := utf8.RuneCountInString(v); c.MaxLength != nil && n > *c.MaxLength {
		return fmt.Sprintf("%d characters, more than %d", n, *c.MaxLength)
	} else if c.MinLength != nil && n < *c.MinLength {
		return fmt.Sprintf("%d characters, fewer than %d", n, *c.MinLength)
	}
	return ""
}

// --- data·inclusion -----------------------------------------------------------

type diSchema struct {
	schema     *jsonschema.Schema
	properties map[string]bool
	required   []string
}

func loadDataInclusion(t testing.TB, name string) *diSchema {
	t.Helper()
	path := filepath.Join(standardsDir(t), "data-inclusion", "v1", name)
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020) // the files declare no $schema
	c.AssertFormat()                     // date, email, uri are checked, not just noted
	sch, err := c.Compile(path)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Properties map[string]any `json:"properties"`
		Required   []string       `json:"required"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	ds := &diSchema{schema: sch, properties: map[string]bool{}, required: raw.Required}
	for k := range raw.Properties {
		ds.properties[k] = true
	}
	return ds
}

// validate checks one object; the schema allows unknown fields, so names outside
// its properties (a misspelt "types"…) are reported here too.
func (s *diSchema) validate(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	if err := s.schema.Validate(inst); err != nil {
		return err
	}
	for k := range inst.(map[string]any) {
		if !s.properties[k] {
			return fmt.Errorf("field %q is not in the schema", k)
		}
	}
	return nil
}

// extraValues reads one of the enumerations in data-inclusion/v1/extra.
func extraValues(t testing.TB, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(standardsDir(t), "data-inclusion", "v1", "extra", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Value string `json:"value"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Value)
	}
	return out
}

// The lieux CSV writes verbatim only the columns the schema keeps from holding a
// formula (a number, a date, a pattern); every other one is free text, guarded
// against formulas, which the schema, putting no pattern on it, accepts.
func TestLieuxColumnsGuardedAreTheSchemasFreeText(t *testing.T) {
	ts := loadTableSchema(t)
	for _, f := range ts.Fields {
		constrained := f.Type != "string" || f.Constraints.Pattern != "" || len(f.Constraints.Enum) > 0
		if opendata.Verbatim[f.Name] != constrained {
			t.Errorf("%s (type %s, pattern %q): written verbatim %v", f.Name, f.Type, f.Constraints.Pattern, opendata.Verbatim[f.Name])
		}
	}
}
