package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// cmdImport imports a resident list: wubu import --project CODE
// [--report FILE.xlsx] [--dry-run] [--all-owners] [--sheet NAME]
// [--column HEADER=FIELD]... FILE. On any problem it writes nothing,
// prints every problem and exits with status 2. A dry run prints how each
// column was understood and the first persons as they would be stored.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("import", "import --project CODE [--kind residents|rooms|vehicles] [--report ERRORS.xlsx] [--dry-run] [--all-owners] [--sheet NAME] [--column HEADER=FIELD]... FILE.xlsx|FILE.csv", &cfg, stderr)
	project := fs.String("project", "", "project `CODE`")
	report := fs.String("report", "", "write the problems found to this .xlsx `file`")
	dryRun := fs.Bool("dry-run", false, "check the file, show how it is understood, and write nothing")
	allOwners := fs.Bool("all-owners", false, "confirm that every person of a file without a relation column (身份) is an owner")
	var opts importer.Options
	fs.StringVar(&opts.Sheet, "sheet", "", "the workbook's `sheet` to import, when several hold resident lists")
	kind := fs.String("kind", string(wubu.ImportResidents), "what the file lists: residents, rooms (creating buildings and units), or vehicles (plates and cards of known residents)")
	fs.Func("column", "what a column holds, as `HEADER=FIELD` (fields: "+importFieldNames()+", or ignore); repeat for several", func(s string) error {
		h, fld, ok := strings.Cut(s, "=")
		if !ok || strings.TrimSpace(h) == "" || !importer.KnownField(wubu.ImportField(strings.TrimSpace(fld))) {
			return fmt.Errorf("give HEADER=FIELD, FIELD one of %s or ignore", importFieldNames())
		}
		if opts.Columns == nil {
			opts.Columns = map[string]wubu.ImportField{}
		}
		opts.Columns[strings.TrimSpace(h)] = wubu.ImportField(strings.TrimSpace(fld))
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *project == "" || fs.NArg() != 1 {
		fs.Usage()
		return usageError{"import: give --project and one FILE"}
	}
	if opts.Kind = wubu.ImportKind(*kind); !opts.Kind.Valid() {
		return usageError{"import: --kind is residents, rooms or vehicles"}
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return usageError{fmt.Sprintf("import: %v", err)}
	}
	m, err := openForCLI(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	ctx = systemContext(ctx)
	p, err := sqlstore.NewProjectService(m.DB).FindProjectByCode(ctx, *project)
	if err != nil {
		return err
	}
	// What columns hold: the project's remembered mappings (chosen on the
	// screen or before), then --column, remembered once the import
	// succeeds.
	svc := sqlstore.NewResidentService(m.DB)
	chosen := opts.Columns
	if opts.Columns, err = svc.ImportColumns(ctx, p.ID); err != nil {
		return err
	}
	maps.Copy(opts.Columns, chosen)
	f, err := importer.ReadBytesWith(data, filepath.Base(fs.Arg(0)), opts)
	if err != nil {
		return err
	}
	f.AllOwners = *allOwners
	res, err := importWithProgress(ctx, svc, p.ID, f, *dryRun, stderr)
	if res == nil {
		return err
	}
	if err == nil && !res.DryRun && len(chosen) > 0 {
		if err := svc.SaveImportColumns(ctx, p.ID, chosen); err != nil {
			return err
		}
	}
	if res.Sheet != "" && len(res.Sheets) > 1 {
		fmt.Fprintf(stdout, "Sheet %q read (the workbook has %s).\n", res.Sheet, strings.Join(res.Sheets, ", "))
	}
	if res.DryRun {
		if err := printPreview(stdout, res); err != nil {
			return err
		}
	}
	if res.AllOwners && res.DryRun && !f.AllOwners {
		fmt.Fprintln(stdout, "The file has no relation column (身份): every person will be stored as an owner. Import with --all-owners to confirm.")
	}
	// Ignored columns, then every problem, as a table.
	lines := importer.Report(res, i18n.EN)
	if len(lines) > 0 {
		table := [][]string{{"ROW", "COLUMN", "VALUE", "PROBLEM"}}
		for _, l := range lines {
			table = append(table, []string{strconv.Itoa(l.Row), l.Column, l.Value, l.Message})
		}
		if err := printTable(stdout, table); err != nil {
			return err
		}
	}
	if *report != "" && len(res.Errors) > 0 {
		var buf bytes.Buffer
		if err := importer.WriteReport(&buf, res, i18n.EN); err != nil {
			return err
		}
		if err := os.WriteFile(*report, buf.Bytes(), 0o600); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
		fmt.Fprintf(stdout, "Problems written to %s.\n", *report)
	}
	if err != nil {
		return err
	}
	verb := "Imported"
	if res.DryRun {
		verb = "Checked (nothing written)"
	}
	fmt.Fprintf(stdout, "%s %s: %d rows; created %d, updated %d, unchanged %d.\n", verb, p.Code, res.Rows, res.Created, res.Updated, res.Unchanged)
	if res.Skipped+len(res.Warnings) > 0 {
		fmt.Fprintf(stdout, "Vacant rooms skipped: %d; values read as empty: %d.\n", res.Skipped, len(res.Warnings))
	}
	return nil
}

// progressEvery is how often a big import's progress is printed.
const progressEvery = time.Second

// importWithProgress imports f, printing to w how far it is every second
// while it runs, and once at the end, if it has more than
// importer.BackgroundRows rows.
func importWithProgress(ctx context.Context, svc wubu.ResidentImporter, projectID int64, f *wubu.ImportFile, dryRun bool, w io.Writer) (*wubu.ImportResult, error) {
	if len(f.Rows) <= importer.BackgroundRows {
		return importer.Import(ctx, svc, projectID, f, dryRun)
	}
	p := &wubu.ImportProgress{Total: len(f.Rows)}
	f.Progress = p
	type outcome struct {
		res *wubu.ImportResult
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := importer.Import(ctx, svc, projectID, f, dryRun)
		done <- outcome{res, err}
	}()
	show := func() {
		fmt.Fprintf(w, "Rows checked: %d of %d; written: %d.\n", p.Checked.Load(), p.Total, p.Written.Load())
	}
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			show()
		case o := <-done:
			show()
			return o.res, o.err
		}
	}
}

// printPreview prints how each column was understood and the first
// persons as they will be stored.
func printPreview(w io.Writer, res *wubu.ImportResult) error {
	cols := [][]string{{"COLUMN", "READ AS"}}
	for _, c := range res.Columns {
		as := string(c.Field)
		switch {
		case c.Kind != "":
			as = "NOT UNDERSTOOD (looks like " + c.Kind + ")"
		case c.Field == "":
			as = "ignored"
		}
		cols = append(cols, []string{c.Header, as})
	}
	if err := printTable(w, cols); err != nil {
		return err
	}
	if len(res.Preview) == 0 {
		return nil
	}
	rows := [][]string{{"ROW", "NAME", "HOMES", "PHONES", "ID NUMBER", "STATUS"}}
	for _, p := range res.Preview {
		var homes []string
		for _, h := range p.Homes {
			homes = append(homes, h.Room+" "+string(h.Relation))
		}
		rows = append(rows, []string{strconv.Itoa(p.Line), p.Name, strings.Join(homes, "; "), strings.Join(p.Phones, "/"), p.IDNumber, p.Status})
	}
	fmt.Fprintln(w)
	return printTable(w, rows)
}

// importFieldNames lists the fields a column may be mapped to.
func importFieldNames() string {
	var names []string
	for _, f := range importer.MappableFields() {
		names = append(names, string(f))
	}
	return strings.Join(names, ", ")
}

// printTable prints rows as columns two spaces apart, padded by display
// width: a Chinese character takes two columns of a terminal.
func printTable(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

// cmdExport writes a project's resident list: wubu export --project CODE
// FILE.xlsx. The command line acts as an admin: phones and ID numbers are
// in full, and the export is recorded in the audit log.
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg Config
	fs := newFlags("export", "export --project CODE [--lang zh-CN|en] FILE.xlsx", &cfg, stderr)
	project := fs.String("project", "", "project `CODE`")
	lang := fs.String("lang", i18n.ZH, "`language` of the headers: zh-CN or en")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *project == "" || fs.NArg() != 1 || !i18n.Supported(*lang) {
		fs.Usage()
		return usageError{"export: give --project and one FILE"}
	}
	m, err := openForCLI(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	ctx = systemContext(ctx)
	p, err := sqlstore.NewProjectService(m.DB).FindProjectByCode(ctx, *project)
	if err != nil {
		return err
	}
	rows, err := sqlstore.NewResidentService(m.DB).ExportResidents(ctx, wubu.ResidentFilter{ProjectID: p.ID})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := importer.Export(&buf, rows, *lang); err != nil {
		return err
	}
	if err := os.WriteFile(fs.Arg(0), buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d rows exported to %s.\n", p.Code, len(rows), fs.Arg(0))
	return nil
}
