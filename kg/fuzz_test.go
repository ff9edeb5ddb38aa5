package kg_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/civicgraph/civicgraph/kg"
)

// realIDs are the ids and identifier values the real data writes, as seeds.
func realIDs(tb testing.TB) (ids []string, idents [][2]string) {
	tb.Helper()
	files, err := filepath.Glob("../data/entities/*.yaml")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no entity files: %v", err)
	}
	idRE := regexp.MustCompile(`(?m)^\s*(?:- )?(?:id|target|source): (\S+)$`)
	identRE := regexp.MustCompile(`(?m)^\s*- scheme: (\S+)\n\s*value: "?([^"\n]+)"?$`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, m := range idRE.FindAllStringSubmatch(string(b), -1) {
			ids = append(ids, m[1])
		}
		for _, m := range identRE.FindAllStringSubmatch(string(b), -1) {
			idents = append(idents, [2]string{m[1], m[2]})
		}
	}
	if len(ids) == 0 || len(idents) == 0 {
		tb.Fatal("found no ids or identifiers in data/entities")
	}
	return ids, idents
}

// slugOK is the slug rule written out by hand: lower-case ASCII letters and
// digits in words joined by single hyphens.
func slugOK(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// FuzzParseID: ParseID never panics; it accepts exactly kind/slug with a
// known kind and a valid slug, giving both back, and refuses anything else
// with ErrBadID or ErrBadKind. ParseSourceID accepts exactly source/slug.
// An accepted id survives the IRI round trip under any base:
// IRIs.ID(IRIs.Entity(id)) is the id.
func FuzzParseID(f *testing.F) {
	ids, _ := realIDs(f)
	for _, id := range ids {
		f.Add(id, "https://w3id.org/civicgraph")
	}
	for _, s := range []string{"", "/", "person/", "/ma", "person//ma", "person/ma-", "person/Ma", "person/ma--shan",
		"nobody/ma", "source/x", "person/ma/shan", "person/马善祥", "https://w3id.org/civicgraph/id/person/ma-shanxiang"} {
		f.Add(s, "http://127.0.0.1:8080/")
	}
	f.Fuzz(func(t *testing.T, id, base string) {
		kind, slug, err := kg.ParseID(id)
		k, s, cut := strings.Cut(id, "/")
		wantOK := cut && kg.Kind(k).Valid() && slugOK(s)
		switch {
		case err != nil && wantOK:
			t.Fatalf("ParseID(%q) refused a valid id: %v", id, err)
		case err != nil && !errors.Is(err, kg.ErrBadID) && !errors.Is(err, kg.ErrBadKind):
			t.Fatalf("ParseID(%q) = %v, want ErrBadID or ErrBadKind", id, err)
		case err == nil && !wantOK:
			t.Fatalf("ParseID(%q) accepted an invalid id as %q, %q", id, kind, slug)
		case err == nil && string(kind)+"/"+slug != id:
			t.Fatalf("ParseID(%q) = %q, %q: not the id's parts", id, kind, slug)
		}
		if serr := kg.ParseSourceID(id); (serr == nil) != (cut && k == kg.SourceKind && slugOK(s)) {
			t.Fatalf("ParseSourceID(%q) = %v", id, serr)
		} else if serr != nil && !errors.Is(serr, kg.ErrBadID) {
			t.Fatalf("ParseSourceID(%q) = %v, want ErrBadID", id, serr)
		}
		if err == nil {
			iris := kg.NewIRIs(base)
			if back, err := iris.ID(iris.Entity(id)); err != nil || back != id {
				t.Fatalf("under base %q: ID(Entity(%q)) = %q, %v", base, id, back, err)
			}
		}
	})
}

// FuzzIRI: IRIs.ID never panics; it gives the rest of an IRI under
// {base}/id/, gives a string with no "://" back as it is (a short id), and
// refuses any other IRI with ErrBadID. PredicateName undoes Predicate.
func FuzzIRI(f *testing.F) {
	ids, _ := realIDs(f)
	for _, id := range ids {
		f.Add("https://w3id.org/civicgraph", "https://w3id.org/civicgraph/id/"+id)
		f.Add("https://w3id.org/civicgraph", id)
	}
	for _, s := range []string{"", "https://w3id.org/civicgraph/id/", "https://w3id.org/civicgraph/vocab/award",
		"http://127.0.0.1:8080/id/person/ma-shanxiang", "https://example.org/id/person/x", "urn:x:y", "://"} {
		f.Add("https://w3id.org/civicgraph/", s)
	}
	f.Fuzz(func(t *testing.T, base, s string) {
		iris := kg.NewIRIs(base)
		if strings.HasSuffix(iris.Base, "/") {
			t.Fatalf("NewIRIs(%q).Base = %q ends in /", base, iris.Base)
		}
		got, err := iris.ID(s)
		rest, under := strings.CutPrefix(s, iris.Base+"/id/")
		switch {
		case under && (err != nil || got != rest):
			t.Fatalf("ID(%q) under %q = %q, %v; want %q", s, iris.Base, got, err, rest)
		case !under && !strings.Contains(s, "://") && (err != nil || got != s):
			t.Fatalf("ID(%q) = %q, %v; want the short id back", s, got, err)
		case !under && strings.Contains(s, "://") && (err == nil || !errors.Is(err, kg.ErrBadID)):
			t.Fatalf("ID(%q) under %q = %q, %v; want ErrBadID", s, iris.Base, got, err)
		}
		if back, err := iris.ID(iris.Entity(s)); err != nil || back != s {
			t.Fatalf("ID(Entity(%q)) = %q, %v", s, back, err)
		}
		if back := iris.PredicateName(iris.Predicate(s)); back != s {
			t.Fatalf("PredicateName(Predicate(%q)) = %q", s, back)
		}
	})
}

// FuzzIdentifier: Normalize never panics; a value it accepts is in the
// written form — it validates, and normalising it again changes nothing —
// and a value that validates normalises to itself. Errors are
// ErrBadIdentifier, or ErrUnknownScheme for a scheme not declared.
func FuzzIdentifier(f *testing.F) {
	_, idents := realIDs(f)
	for _, id := range idents {
		f.Add(id[0], id[1])
	}
	for _, s := range kg.IdentifierSchemes {
		sch, _ := kg.LookupScheme(s)
		f.Add(s, sch.Example)
		f.Add(s, " "+strings.ToLower(sch.Example)+" ")
	}
	f.Add("stockCode", "000625")
	f.Add("stockCode", "123456")
	f.Add("wikidata", "https://www.wikidata.org/wiki/q42")
	f.Add("nope", "x")
	f.Fuzz(func(t *testing.T, scheme, value string) {
		_, known := kg.LookupScheme(scheme)
		checkErr := func(what string, err error) {
			t.Helper()
			if !known && !errors.Is(err, kg.ErrUnknownScheme) {
				t.Fatalf("%s(%q, %q) = %v, want ErrUnknownScheme", what, scheme, value, err)
			}
			if known && !errors.Is(err, kg.ErrBadIdentifier) {
				t.Fatalf("%s(%q, %q) = %v, want ErrBadIdentifier", what, scheme, value, err)
			}
		}
		n, err := kg.Normalize(scheme, value)
		if err != nil {
			checkErr("Normalize", err)
		} else {
			if verr := kg.ValidateIdentifier(scheme, n); verr != nil {
				t.Fatalf("Normalize(%q, %q) = %q, which does not validate: %v", scheme, value, n, verr)
			}
			if again, err := kg.Normalize(scheme, n); err != nil || again != n {
				t.Fatalf("Normalize(%q, %q) = %q, then %q, %v", scheme, value, n, again, err)
			}
		}
		if verr := kg.ValidateIdentifier(scheme, value); verr != nil {
			checkErr("ValidateIdentifier", verr)
		} else if err != nil || n != value {
			t.Fatalf("%q validates as %s, but normalises to %q, %v", value, scheme, n, err)
		}
	})
}
