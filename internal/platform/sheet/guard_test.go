package sheet

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every CSV and XLSX file goes through this package's guarded cells: no other
// package writes CSV itself, and the one workbook laid out with excelize (the
// funder report's) passes its text through Text.
func TestEveryExportWritesItsCellsHere(t *testing.T) {
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if strings.HasPrefix(rel, filepath.Join("platform", "sheet")+string(filepath.Separator)) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if strings.Contains(src, "csv.NewWriter(") {
			t.Errorf("%s writes CSV itself: use sheet.NewWriter or sheet.Table, whose text cells are guarded", rel)
		}
		if strings.Contains(src, "excelize.NewFile(") && !strings.Contains(src, "sheet.Text(") {
			t.Errorf("%s writes a workbook without guarding its text cells (sheet.Text)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Text cells beginning with a formula character are guarded; numbers are not.
func TestTextCellsAreGuarded(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+33 6": "'+33 6", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "Anne": "Anne", "": ""} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
	var b strings.Builder
	w := NewWriter(&b, ';')
	w.Row("=cmd", Raw("-12,5"), -3, Hours(1.25))
	if err := w.Flush(); err != nil || b.String() != "'=cmd;-12,5;-3;1,3\r\n" {
		t.Errorf("row: %q %v", b.String(), err)
	}
}
