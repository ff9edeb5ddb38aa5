package loader

import (
	"fmt"
	"os"
	"testing"

	"github.com/civicgraph/civicgraph/loader/normalize"
)

func TestZZProbe(t *testing.T) {
	b, _ := os.ReadFile("testdata/ok/sources/civic-2021.txt")
	tx := normalize.Normalize(string(b))
	fmt.Println(tx.Text)
	for _, bl := range tx.Blocks { fmt.Println(bl.Start, bl.End) }
}
