package store_test

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportSeam keeps the seam between loader and store: the loader makes
// quads and knows no Cayley store, the store writes any Source and knows no
// loader. Test files may cross it (the store's tests load fixtures).
func TestImportSeam(t *testing.T) {
	const module = "github.com/civicgraph/civicgraph"
	tests := []struct {
		name      string
		dir       string
		recursive bool // its subpackages too
		forbidden func(path string) bool
		why       string
	}{
		{
			name: "StoreImportsNoLoader", dir: ".",
			forbidden: func(p string) bool { return p == module+"/loader" || strings.HasPrefix(p, module+"/loader/") },
			why:       "the store takes a store.Source; the loader's Dataset is one",
		},
		{
			name: "LoaderImportsNoCayleyStore", dir: "../loader", recursive: true,
			forbidden: func(p string) bool {
				cayley := strings.HasPrefix(p, "github.com/cayleygraph/")
				quad := p == "github.com/cayleygraph/quad" || strings.HasPrefix(p, "github.com/cayleygraph/quad/")
				return cayley && !quad
			},
			why: "the loader makes quads (github.com/cayleygraph/quad); store.Write writes them",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := 0
			err := filepath.WalkDir(tt.dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					if path != tt.dir && (!tt.recursive || d.Name() == "testdata") {
						return filepath.SkipDir
					}
					return nil
				}
				if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
					return nil
				}
				f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
				if err != nil {
					return err
				}
				files++
				for _, imp := range f.Imports {
					p, err := strconv.Unquote(imp.Path.Value)
					if err != nil {
						return err
					}
					if tt.forbidden(p) {
						t.Errorf("%s imports %s: %s", path, p, tt.why)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if files == 0 {
				t.Fatalf("no Go files in %s: the check checks nothing", tt.dir)
			}
		})
	}
}
