package importer_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/importer"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// idNumber returns a valid resident ID number (GB 11643) for n: region
// 440106, a birth date between 1940 and 2005, sequence n.
func idNumber(n int) string {
	base := fmt.Sprintf("440106%04d%02d%02d%03d", 1940+n%66, 1+n%12, 1+n%28, n%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(base[i]-'0') * w
	}
	return base + string("10X98765432"[sum%11])
}

// bigList writes a resident list of n rows as property companies keep it:
// two residents in each room of buildings 1–10 (2 units, 25 floors, 10
// rooms a floor), each with a phone, an ID number, a plate and a parking
// card, every tenth with a care flag.
func bigList(tb testing.TB, n int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	header := []any{"序号", "房号", "姓名", "身份", "手机号码", "身份证号", "车牌号", "车位卡", "车位卡有效期", "关怀", "备注"}
	if err := sw.SetRow("A1", header); err != nil {
		tb.Fatal(err)
	}
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
	for i := 0; i < n; i++ {
		room := i / 2
		b, u, fl, pos := room/500+1, room%500/250+1, room%250/10+1, room%10+1
		rel, care := "业主", ""
		if i%2 == 1 {
			rel = "家属"
		}
		if i%10 == 3 {
			care = "独居老人"
		}
		name := string(surnames[i%len(surnames)]) + string(given[i/len(surnames)%len(given)]) + string(given[i%len(given)])
		row := []any{i + 1, fmt.Sprintf("%d-%d-%d%02d", b, u, fl, pos), name, rel, fmt.Sprintf("139%08d", i), idNumber(i),
			fmt.Sprintf("粤B%05d", i), fmt.Sprintf("P%06d", i), "2027-06-30", care, ""}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// bigProject makes the rooms of bigList: buildings 1–10, 5,000 rooms each.
func bigProject(tb testing.TB, db *sqlstore.DB, rooms int) (*wubutest.Fixture, *wubu.Project) {
	tb.Helper()
	fx := wubutest.NewFixture(tb, db)
	org := sqlstore.NewOrgService(db)
	for b := 1; (b-1)*500 < rooms; b++ {
		if _, err := org.GenerateRooms(fx.Ctx(fx.Admin), wubu.RoomGeneration{ProjectID: fx.ProjectA.ID, Building: fmt.Sprint(b), Units: 2, FirstFloor: 1, Floors: 25, PerFloor: 10}); err != nil {
			tb.Fatal(err)
		}
	}
	return fx, fx.ProjectA
}

// BenchmarkImport100k imports a 100,000-row .xlsx into an empty project:
// reading, validating every row and writing, in rows per second; on
// SQLite, and on PostgreSQL too when WUBU_TEST_POSTGRES is set. It also
// reports the processor time the import took (user and system, all
// threads: cpu-s/op) and rows per processor second, which a machine
// busy with other work moves much less than the rows per second. Run it with
//
//	go test -run=NONE -bench=Import100k -benchtime=1x ./internal/importer/
func BenchmarkImport100k(b *testing.B) {
	const n = 100000
	path := filepath.Join(b.TempDir(), "residents.xlsx")
	if err := os.WriteFile(path, bigList(b, n), 0o600); err != nil {
		b.Fatal(err)
	}
	for _, dialect := range wubutest.Dialects(b) {
		b.Run(dialect, func(b *testing.B) {
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db, _ := wubutest.MustOpenDB(b, dialect)
				fx, p := bigProject(b, db, n/2)
				svc := sqlstore.NewResidentService(db)
				cpu0 := cpuTime()
				b.StartTimer()

				fh, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				file, err := importer.Read(fh, "residents.xlsx")
				fh.Close()
				if err != nil {
					b.Fatal(err)
				}
				res, err := svc.ImportResidents(fx.Ctx(fx.Admin), p.ID, file, false)
				if err != nil {
					b.Fatalf("%v: %v", err, res.Errors[:min(5, len(res.Errors))])
				}
				if res.Created != n {
					b.Fatalf("created %d, want %d", res.Created, n)
				}
				b.StopTimer()
				cpu += cpuTime() - cpu0
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "rows/cpu-s")
		})
	}
}

// cpuTime returns the processor time the process has used, user and
// system, all threads.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
