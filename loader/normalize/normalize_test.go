package normalize

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/seed.golden.txt from the current output")

const (
	seedPath   = "testdata/seed.txt"
	goldenPath = "testdata/seed.golden.txt"
)

func readSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBoldRuns covers every doubled bold run of the seed page, each in its
// real context.
func TestBoldRuns(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"per-character 3.9% and chunk 1325亿元",
			"GDP增长33..99%%、增速\n连续三年居中心城区第\n一、总量达到13251325亿元亿元。",
			"GDP增长3.9%、增速连续三年居中心城区第一、总量达到1325亿元。"},
		{"3.9%", "GDP增长33..99%%、增速", "GDP增长3.9%、增速"},
		{"1325亿元", "一、总量达到13251325亿元亿元。", "一、总量达到1325亿元。"},
		{"351.92亿元 and 18.6%",
			"全区实现地区生产总\n值 351351..9292亿元亿元、同比增长\n1818..66%%，总量跃升至全市\n行政区第三。",
			"全区实现地区生产总值 351.92亿元、同比增长18.6%，总量跃升至全市行政区第三。"},
		{"351.92亿元", "值 351351..9292亿元亿元、同比增长", "值 351.92亿元、同比增长"},
		{"18.6%", "1818..66%%，总量跃升至全市", "18.6%，总量跃升至全市"},
		{"221.3亿元 across a line break and 67.2亿元",
			" 全口径税收 221221..33亿亿\n元元、一般公共预算收入\n6767..22亿元亿元，全口径税收与\n一般公共预算收入在全市\n“双第一”。",
			"全口径税收 221.3亿元、一般公共预算收入67.2亿元，全口径税收与一般公共预算收入在全市“双第一”。"},
		{"221.3亿元", " 全口径税收 221221..33亿亿\n元元、一般公共预算收入", "全口径税收 221.3亿元、一般公共预算收入"},
		{"67.2亿元", "6767..22亿元亿元，全口径税收与", "67.2亿元，全口径税收与"},
		{"110.5亿元, 40.8%, 26.9亿元 across a line break and 26.9%",
			"1-4月，实现全口径\n税收 110110..55亿元亿元、同比增\n长 4040..88%%，总量保持全市\n行政区第一；实现区级一\n般公共预算收入 2626..99亿亿\n元元、同比增长2626..99%%。",
			"1-4月，实现全口径税收 110.5亿元、同比增长 40.8%，总量保持全市行政区第一；实现区级一般公共预算收入 26.9亿元、同比增长26.9%。"},
		{"110.5亿元", "税收 110110..55亿元亿元、同比增", "税收 110.5亿元、同比增"},
		{"40.8%", "长 4040..88%%，总量保持全市", "长 40.8%，总量保持全市"},
		{"26.9亿元", "般公共预算收入 2626..99亿亿\n元元、同比增长", "般公共预算收入 26.9亿元、同比增长"},
		{"26.9%", "元、同比增长2626..99%%。", "元、同比增长26.9%。"},
		{"heading 产业发展兴", "产业发展兴产业发展兴 综合实力更上台阶综合实力更上台阶", "产业发展兴 综合实力更上台阶"},
		{"heading 城市能级提升", "城市能级提升城市能级提升 城乡面貌更具品质城乡面貌更具品质", "城市能级提升 城乡面貌更具品质"},
		{"heading 社会治理强", "社会治理强社会治理强 社会大局更加和谐社会大局更加和谐", "社会治理强 社会大局更加和谐"},
		{"heading 干部能力优", "干部能力优干部能力优 党的建设更为有力党的建设更为有力", "干部能力优 党的建设更为有力"},
		{"heading 榜样力量", "榜样力量榜样力量", "榜样力量"},
		{"heading 数读江北区", "数读江北区数读江北区", "数读江北区"},
		// Every chunk is doubled on its own, the curly quotes one
		// character at a time.
		{"page title", "全市全市““两高两高””示范区建设迈上新台阶示范区建设迈上新台阶江北江北",
			"全市“两高”示范区建设迈上新台阶江北"},
		{"heading amid headings",
			"社会治理强社会治理强 社会大局更加和谐社会大局更加和谐\n\n干部能力优干部能力优 党的建设更为有力党的建设更为有力\n 江北区全力推进社区居家养老服务，率先在全市实现全覆盖。",
			"社会治理强 社会大局更加和谐\n干部能力优 党的建设更为有力\n江北区全力推进社区居家养老服务，率先在全市实现全覆盖。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.raw).Text; got != tt.want {
				t.Errorf("Normalize(%q)\n got %q\nwant %q", tt.raw, got, tt.want)
			}
		})
	}
}

// TestGenuineDoubles checks that doubles which are real text survive, each
// in its real context: only the line breaks go (want "" means raw without
// its line breaks).
func TestGenuineDoubles(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"走走", "美景，早已融入市民的日常；夜幕降临，去不远处的三洞桥、鎏嘉码头走走，楼宇、", ""},
		{"—— and 3568.8", "5月17日，“中国民营疫苗第一股”——江北区企业智飞生物继续保持强势，\n总市值3568.8亿元，股价创历史新高，系成渝地区第一高价、第一市值股。5月", ""},
		{"2020 and 50%", "业，持续提升经济证券化水平。截至2020年末，江北区共有境内外上市企业12家、\n市值占全市50%以上，新三板挂牌企业5家、重庆OTC累计挂牌企业67家，上市企", ""},
		{"双双", "工业发展提质增效，港城、鱼复两大园区双双入选全市首批试点智慧园区；汽", ""},
		{"纷纷", "营商环境持续优化，引得“金凤”纷纷栖枝，招商引资捷报频传——成功引进全", ""},
		{"滴滴", "市注册资本金最大企业京昆高铁西昆公司和小米消费金融、滴滴西区总部等优质", ""},
		{"559.15万", "江北区已经连续成功主办了三届城市花博会，总观展人数达559.15万人次。", ""},
		{"实实在在", "提升城市品质，创造高品质生活，“全国文明城区”这块金字招牌的背后，是这样一份\n实实在在的答卷——",
			"提升城市品质，创造高品质生活，“全国文明城区”这块金字招牌的背后，是这样一份实实在在的答卷——"},
		{"实实在在 alone on a line", "实实在在", ""},
		{"55个 and 119座", "新建改建公厕119座，建成社区公园、综合性公园55个，绿化美化坡坎崖近200", ""},
		{"2.5%", "控制在2.5%以内，新建、改扩建学校21所，公办幼儿园数量增长近4倍，创成“全", ""},
		{"一张张", "一张张绿色名片相继落户江北。", ""},
		{"……", "“我们遇事有地方说，怨言少了”“小区更干净了”“邻里更和睦了”……", ""},
		{"112个", "112个养老服务中心（站），提前一年率先在全市实现社区居家养老", ""},
		{"紧紧", "十九大以来，我们紧紧围绕把习近平", ""},
		{"殷殷", "总书记殷殷嘱托全面落实在江北大地", ""},
		{"351.9亿元 and 18.6%", "351.9亿元、增长18.6%，总量跃居全市", ""},
		{"110.5 before a line break", "第三；1—4月，完成全口径税收110.5\n亿元、增长40.8%、总量保持全市行政",
			"第三；1—4月，完成全口径税收110.5亿元、增长40.8%、总量保持全市行政"},
		{"11·27", "珍在游击队光荣地加入了中国共产党。“11·27大屠杀”发生后，李", ""},
		{"两手抓两手硬", "人民生活更方便、更舒心、更幸福，实现改善“面子”和做好“里子”两手\n抓两手硬。",
			"人民生活更方便、更舒心、更幸福，实现改善“面子”和做好“里子”两手抓两手硬。"},
		{"1008 and 71亿元", "区的老旧小区改造工作，涵盖1008栋房屋、3.6万户住户，总投资约71\n亿元。",
			"区的老旧小区改造工作，涵盖1008栋房屋、3.6万户住户，总投资约71亿元。"},
		{"33年 and 2000", " 马善祥是观音桥街道“老马工作室”负责人。他专注群众工\n作33年，为群众调解矛盾化解纠纷2000多个，记下了200余本、",
			"马善祥是观音桥街道“老马工作室”负责人。他专注群众工作33年，为群众调解矛盾化解纠纷2000多个，记下了200余本、"},
		{"3441", "法、事”十三要则、依托“3441”保障制度、老马“三十六策”等一整", ""},
		{"1085个 and 1.2万", "市建设“小马工作室”1085个，先后培养1.2万余名“小马”，“老马", ""},
		{"3000", "工作室”接待群众3000余次，办理信访问题1500余件，调解成功", ""},
		{"98%", "率达98%以上。马善祥先后获得全国时代楷模、全国先进工作", ""},
		{"100余起", "与技术攻关100余起，改良改善200余起，成功打破国外相关技术", ""},
		{"全国国防", "家级“全能”团队。他先后荣获全国技术能手、全国国防科技工业", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			if want == "" {
				want = strings.ReplaceAll(tt.raw, "\n", "")
			}
			if got := Normalize(tt.raw).Text; got != want {
				t.Errorf("Normalize(%q)\n got %q\nwant %q", tt.raw, got, want)
			}
		})
	}
}

// TestBlocks covers line joining and block boundaries on seed excerpts.
func TestBlocks(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string
	}{
		{"name broken across lines", "为一名交通员，负责为当地的游击部队传递信息。1948年，李玉\n珍在游击队光荣地加入了中国共产党。",
			[]string{"为一名交通员，负责为当地的游击部队传递信息。1948年，李玉珍在游击队光荣地加入了中国共产党。"}},
		{"word broken across a blank line, then a short sentence end",
			"快构建现代产业体系等方面迈出了铿锵步伐，创新引领发展在一系列江北实践中生\n\n动演绎。\n成绩的取得，离不开营商环境的不断优化——全市首家重庆民营小微企业\n\n首贷续贷中心为企业提供货币信贷政策咨询和贷款受理等一站式金融服务；国",
			[]string{
				"快构建现代产业体系等方面迈出了铿锵步伐，创新引领发展在一系列江北实践中生动演绎。",
				"成绩的取得，离不开营商环境的不断优化——全市首家重庆民营小微企业首贷续贷中心为企业提供货币信贷政策咨询和贷款受理等一站式金融服务；国",
			}},
		{"list items ending in ；",
			"徐悲鸿美术馆重庆馆串起保定门、盘溪汉阙、测候亭等“文化珍珠链”，延续城市\n文脉；\n\n推进5条轨道交通线路、4座跨江大桥、5座立交桥建设，交通路网日益通畅；\n建成全市首个智慧城市运营管理中心，数字城管技术规范上升为国家标准，城\n\n市管理愈发精细；",
			[]string{
				"徐悲鸿美术馆重庆馆串起保定门、盘溪汉阙、测候亭等“文化珍珠链”，延续城市文脉；",
				"推进5条轨道交通线路、4座跨江大桥、5座立交桥建设，交通路网日益通畅；",
				"建成全市首个智慧城市运营管理中心，数字城管技术规范上升为国家标准，城市管理愈发精细；",
			}},
		{"sentence broken after a comma across a blank line",
			"三年前，首届长江上游城市花卉艺术博览会在江北嘴惊艳亮相。2018年至今，\n\n江北区已经连续成功主办了三届城市花博会，总观展人数达559.15万人次。",
			[]string{"三年前，首届长江上游城市花卉艺术博览会在江北嘴惊艳亮相。2018年至今，江北区已经连续成功主办了三届城市花博会，总观展人数达559.15万人次。"}},
		{"全面 / 提升 and a list introduced by ——",
			"通过城市花博会的持续成功举办不难看出，江北区正持续改善城市环境，全面\n\n提升城市品质，创造高品质生活，“全国文明城区”这块金字招牌的背后，是这样一份\n实实在在的答卷——\n\n徐悲鸿美术馆重庆馆串起保定门、盘溪汉阙、测候亭等“文化珍珠链”，延续城市\n文脉；",
			[]string{
				"通过城市花博会的持续成功举办不难看出，江北区正持续改善城市环境，全面提升城市品质，创造高品质生活，“全国文明城区”这块金字招牌的背后，是这样一份实实在在的答卷——",
				"徐悲鸿美术馆重庆馆串起保定门、盘溪汉阙、测候亭等“文化珍珠链”，延续城市文脉；",
			}},
		{"colon followed by a quote continues",
			"提起每月一次的“百姓协商议事会”，铁山坪街道唐桂社区的居民们赞不绝口：\n“我们遇事有地方说，怨言少了”“小区更干净了”“邻里更和睦了”……\n\n治国安邦，重在基层。",
			[]string{
				"提起每月一次的“百姓协商议事会”，铁山坪街道唐桂社区的居民们赞不绝口：“我们遇事有地方说，怨言少了”“小区更干净了”“邻里更和睦了”……",
				"治国安邦，重在基层。",
			}},
		{"bare closing quote before a blank line ends no sentence",
			"和约束并重，既勤“松土施肥”又常“修枝剪叶”。实施干部队伍“131”三级梯队计划，\n创新开展“百名干部下基层”“百名干部进企业”“百名干部到一线”“百名干部入家门”\n\n“四个一百”活动。制定实施《江北区严管厚爱干部20条措施》，在全市率先出台容错\n纠错机制。",
			[]string{"和约束并重，既勤“松土施肥”又常“修枝剪叶”。实施干部队伍“131”三级梯队计划，创新开展“百名干部下基层”“百名干部进企业”“百名干部到一线”“百名干部入家门”“四个一百”活动。制定实施《江北区严管厚爱干部20条措施》，在全市率先出台容错纠错机制。"}},
		{"bare closing quote at a line end",
			"最常挂在嘴边的话。李玉珍17岁参加革命工作。1947年，“六一”\n大逮捕惨案发生，李玉珍作为学生运动的骨干分子，成为国民党监",
			[]string{"最常挂在嘴边的话。李玉珍17岁参加革命工作。1947年，“六一”大逮捕惨案发生，李玉珍作为学生运动的骨干分子，成为国民党监"}},
		{"full line ending in 。 inside a paragraph",
			"珍在游击队光荣地加入了中国共产党。“11·27大屠杀”发生后，李\n玉珍负责接待烈士家属、认领遗体的工作，在现场守了三天三夜。\n她参加过学运、工运、地下武装斗争，经历过艰苦的烽火岁月，到建",
			[]string{"珍在游击队光荣地加入了中国共产党。“11·27大屠杀”发生后，李玉珍负责接待烈士家属、认领遗体的工作，在现场守了三天三夜。她参加过学运、工运、地下武装斗争，经历过艰苦的烽火岁月，到建"}},
		{"short line ending in 。 ends the paragraph",
			"建共治共享社会治理格局，不断提升\n\n社会治理精细化、社会化、智能化、法治化水平。\n率先推进干部能力现代化。我们将加强党对社会主义现代化建设\n\n的全面领导，",
			[]string{
				"建共治共享社会治理格局，不断提升社会治理精细化、社会化、智能化、法治化水平。",
				"率先推进干部能力现代化。我们将加强党对社会主义现代化建设的全面领导，",
			}},
		{"indented line and 一是 start paragraphs",
			"干部能力优干部能力优 党的建设更为有力党的建设更为有力\n 江北区全力推进社区居家养老服务，率先在全市实现全覆盖。\n一是提前实现全覆盖。街道（镇）养老服务中心、社区（村）养老\n\n服务站、农村互助养老点同步规划、同步建设、同期完工，已建成",
			[]string{
				"干部能力优 党的建设更为有力",
				"江北区全力推进社区居家养老服务，率先在全市实现全覆盖。",
				"一是提前实现全覆盖。街道（镇）养老服务中心、社区（村）养老服务站、农村互助养老点同步规划、同步建设、同期完工，已建成",
			}},
		{"heading between blank lines",
			"老年人安享舌尖上的幸福。\n\n社区居家养老呵护幸福晚年\n\n回望百年奋斗路，江北人民在党\n的坚强领导下走过了波澜壮阔的光辉",
			[]string{"老年人安享舌尖上的幸福。", "社区居家养老呵护幸福晚年", "回望百年奋斗路，江北人民在党的坚强领导下走过了波澜壮阔的光辉"}},
		{"heading directly above prose",
			"炎疫情先进集体和重庆市先进基层党组织。\n\n党建引领开启“幸福密码”\n江北区坚持人民城市人民建、人民城市为人民，把高质量推进老\n\n旧小区改造作为创造高品质生活的重要抓手和有效路径，按照“消隐",
			[]string{
				"炎疫情先进集体和重庆市先进基层党组织。",
				"党建引领开启“幸福密码”",
				"江北区坚持人民城市人民建、人民城市为人民，把高质量推进老旧小区改造作为创造高品质生活的重要抓手和有效路径，按照“消隐",
			}},
		{"heading above an indented profile",
			"亿元。目前，石马河南桥苑、观音桥塔坪等4个老旧小区改造项目正在\n加紧开展前期工作，预计今年7月全面开工。\n\n老旧小区改造营造幸福家园\n 马善祥是观音桥街道“老马工作室”负责人。他专注群众工\n作33年，",
			[]string{
				"亿元。目前，石马河南桥苑、观音桥塔坪等4个老旧小区改造项目正在加紧开展前期工作，预计今年7月全面开工。",
				"老旧小区改造营造幸福家园",
				"马善祥是观音桥街道“老马工作室”负责人。他专注群众工作33年，",
			}},
		{"profile title and its heading",
			"得全国离退休干部先进个人、重庆好人等荣誉称号。\n\n“全国离退休干部先进个人”李玉珍：\n\n一心向党 不忘初心\n\n在新冠肺炎疫情防控工作中，江北区五里店街道渝能阳光社区党委",
			[]string{
				"得全国离退休干部先进个人、重庆好人等荣誉称号。",
				"“全国离退休干部先进个人”李玉珍：",
				"一心向党 不忘初心",
				"在新冠肺炎疫情防控工作中，江北区五里店街道渝能阳光社区党委",
			}},
		{"profile title directly above its heading, then the infographic",
			"范等称号以及“庆祝中华人民共和国成立70周年”纪念章。\n\n“全国劳动模范”“最美人物”张永忠：\n初心不改 匠心如磐\n\nGDP增长33..99%%、增速\n连续三年居中心城区第\n一、总量达到13251325亿元亿元。\n\n全区实现地区生产总\n值 351351..9292亿元亿元、同比增长",
			[]string{
				"范等称号以及“庆祝中华人民共和国成立70周年”纪念章。",
				"“全国劳动模范”“最美人物”张永忠：",
				"初心不改 匠心如磐",
				"GDP增长3.9%、增速连续三年居中心城区第一、总量达到1325亿元。",
				"全区实现地区生产总值 351.92亿元、同比增长",
			}},
		{"heading inside the infographic",
			"行政区第三。\n\n榜样力量榜样力量\n 全口径税收 221221..33亿亿\n元元、一般公共预算收入",
			[]string{"行政区第三。", "榜样力量", "全口径税收 221.3亿元、一般公共预算收入"}},
		{"captions, one across lines with a Latin word",
			"全市全市““两高两高””示范区建设迈上新台阶示范区建设迈上新台阶江北江北\n\n本版文图由江北区委宣传部提供\n\n北滨路漫行步道\n\n重庆金融博物馆\n\n海尔基于 COSMOPlat 大规模定制\n模式打造的全球首家智能＋5G互联工厂\n\n市民打卡城市花博会\n\n数读江北区数读江北区\n\n",
			[]string{
				"全市“两高”示范区建设迈上新台阶江北",
				"本版文图由江北区委宣传部提供",
				"北滨路漫行步道",
				"重庆金融博物馆",
				"海尔基于 COSMOPlat 大规模定制模式打造的全球首家智能＋5G互联工厂",
				"市民打卡城市花博会",
				"数读江北区",
			}},
		{"CRLF and trailing spaces",
			"\r\n机与活力。  \r\n\r\n5月17日，“中国民营疫苗第一股”——江北区企业智飞生物继续保持强势， \r\n总市值3568.8亿元，股价创历史新高，系成渝地区第一高价、第一市值股。5月\t\r\n18日，重庆首个以金融为主题的专题类博物馆——重庆金融博物馆正式在江北\r\n嘴开馆。\r\n",
			[]string{
				"机与活力。",
				"5月17日，“中国民营疫苗第一股”——江北区企业智飞生物继续保持强势，总市值3568.8亿元，股价创历史新高，系成渝地区第一高价、第一市值股。5月18日，重庆首个以金融为主题的专题类博物馆——重庆金融博物馆正式在江北嘴开馆。",
			}},
		{"empty input", "", nil},
		{"blank lines only", "\n \n\r\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize(tt.raw)
			var texts []string
			for _, b := range got.Blocks {
				texts = append(texts, b.Text)
			}
			if !reflect.DeepEqual(texts, tt.want) {
				t.Errorf("blocks of %q\n got %q\nwant %q", tt.raw, texts, tt.want)
			}
			if want := strings.Join(tt.want, "\n"); got.Text != want {
				t.Errorf("Text = %q, want %q", got.Text, want)
			}
			checkOffsets(t, got)
		})
	}
}

// checkOffsets asserts that every block is the code-point slice of t.Text
// its offsets say, that blocks are separated by exactly one newline and that
// no block holds a newline.
func checkOffsets(t *testing.T, text Text) {
	t.Helper()
	runes := []rune(text.Text)
	end := -1
	for i, b := range text.Blocks {
		if b.Start != end+1 {
			t.Errorf("block %d starts at %d, want %d", i, b.Start, end+1)
		}
		if b.Start < 0 || b.End > len(runes) || b.Start > b.End {
			t.Fatalf("block %d offsets [%d,%d) out of range (len %d)", i, b.Start, b.End, len(runes))
		}
		if got := string(runes[b.Start:b.End]); got != b.Text {
			t.Errorf("block %d: Text runes [%d:%d] = %q, want %q", i, b.Start, b.End, got, b.Text)
		}
		if b.Text == "" || strings.ContainsAny(b.Text, "\r\n") {
			t.Errorf("block %d = %q: empty or holds a line break", i, b.Text)
		}
		if b.End < len(runes) && runes[b.End] != '\n' {
			t.Errorf("block %d is not followed by a newline", i)
		}
		end = b.End
	}
	if end != len(runes) && !(end == -1 && len(runes) == 0) {
		t.Errorf("blocks end at %d, text has %d code points", end, len(runes))
	}
}

func TestSeed(t *testing.T) {
	raw := readSeed(t)
	got := Normalize(raw)

	t.Run("key sentences", func(t *testing.T) {
		for _, s := range []string{
			"总量达到1325亿元",
			"351.92亿元",
			"221.3亿元",
			"67.2亿元",
			"110.5亿元",
			"26.9亿元、同比增长26.9%。",
			"GDP增长3.9%",
			"同比增长18.6%",
			"同比增长 40.8%",
			"李玉珍成为一名交通员",
			"马善祥先后获得全国时代楷模、全国先进工作者、全国敬业奉献模范、全国优秀共产党员、改革先锋、最美奋斗者、2020年度基层理论宣讲先进个人、2012-2014年度富民兴渝贡献奖特别奖、2013年感动重庆十大人物等荣誉称号。",
			"创新引领发展在一系列江北实践中生动演绎。",
			"城市管理愈发精细；",
			"全面提升城市品质",
			"2018年至今，江北区已经连续成功主办了三届城市花博会",
		} {
			if !strings.Contains(got.Text, s) {
				t.Errorf("normalised text lacks %q", s)
			}
		}
	})

	t.Run("no doubled forms", func(t *testing.T) {
		for _, s := range []string{
			"13251325", "亿元亿元", "亿亿", "元元", "..", "%%", "““", "””",
			"榜样力量榜样力量", "数读江北区数读江北区", "江北江北", "产业发展兴产业发展兴",
		} {
			if strings.Contains(got.Text, s) {
				t.Errorf("normalised text still holds %q", s)
			}
		}
	})

	t.Run("standalone blocks", func(t *testing.T) {
		blocks := map[string]bool{}
		for _, b := range got.Blocks {
			blocks[b.Text] = true
		}
		for _, s := range []string{
			"产业发展兴 综合实力更上台阶",
			"城市能级提升 城乡面貌更具品质",
			"社会治理强 社会大局更加和谐",
			"干部能力优 党的建设更为有力",
			"社区居家养老呵护幸福晚年",
			"“全国离退休干部先进个人”李玉珍：",
			"一心向党 不忘初心",
			"党建引领开启“幸福密码”",
			"老旧小区改造营造幸福家园",
			"“时代楷模”“改革先锋”马善祥：",
			"扎根基层 服务群众",
			"“全国劳动模范”“最美人物”张永忠：",
			"初心不改 匠心如磐",
			"GDP增长3.9%、增速连续三年居中心城区第一、总量达到1325亿元。",
			"全区实现地区生产总值 351.92亿元、同比增长18.6%，总量跃升至全市行政区第三。",
			"榜样力量",
			"全口径税收 221.3亿元、一般公共预算收入67.2亿元，全口径税收与一般公共预算收入在全市“双第一”。",
			"1-4月，实现全口径税收 110.5亿元、同比增长 40.8%，总量保持全市行政区第一；实现区级一般公共预算收入 26.9亿元、同比增长26.9%。",
			"全市“两高”示范区建设迈上新台阶江北",
			"本版文图由江北区委宣传部提供",
			"北滨路漫行步道",
			"重庆金融博物馆",
			"海尔基于 COSMOPlat 大规模定制模式打造的全球首家智能＋5G互联工厂",
			"市民打卡城市花博会",
			"数读江北区",
		} {
			if !blocks[s] {
				t.Errorf("no block is exactly %q", s)
			}
		}
	})

	// Every line of the source that holds no bold run must survive
	// verbatim: only line breaks are removed around it.
	t.Run("every other line kept", func(t *testing.T) {
		bold := map[string]bool{
			"产业发展兴产业发展兴 综合实力更上台阶综合实力更上台阶":   true,
			"城市能级提升城市能级提升 城乡面貌更具品质城乡面貌更具品质": true,
			"社会治理强社会治理强 社会大局更加和谐社会大局更加和谐":   true,
			"干部能力优干部能力优 党的建设更为有力党的建设更为有力":   true,
			"GDP增长33..99%%、增速":        true,
			"一、总量达到13251325亿元亿元。":     true,
			"值 351351..9292亿元亿元、同比增长": true,
			"1818..66%%，总量跃升至全市":      true,
			"榜样力量榜样力量":                true,
			"全口径税收 221221..33亿亿":      true,
			"元元、一般公共预算收入":             true,
			"6767..22亿元亿元，全口径税收与":     true,
			"税收 110110..55亿元亿元、同比增":   true,
			"长 4040..88%%，总量保持全市":     true,
			"般公共预算收入 2626..99亿亿":      true,
			"元元、同比增长2626..99%%。":      true,
			"全市全市““两高两高””示范区建设迈上新台阶示范区建设迈上新台阶江北江北": true,
			"数读江北区数读江北区": true,
		}
		seen := 0
		for _, line := range strings.Split(raw, "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "":
			case bold[line]:
				seen++
			case !strings.Contains(got.Text, line):
				t.Errorf("line %q lost", line)
			}
		}
		if seen != len(bold) {
			t.Errorf("found %d of the %d bold lines in the seed", seen, len(bold))
		}
	})

	t.Run("deterministic", func(t *testing.T) {
		again := Normalize(raw)
		if !reflect.DeepEqual(got, again) {
			t.Error("two runs of Normalize differ")
		}
	})

	t.Run("offsets", func(t *testing.T) {
		checkOffsets(t, got)
	})

	t.Run("find", func(t *testing.T) {
		runes := []rune(got.Text)
		for _, q := range []string{"1325亿元", "李玉珍", "江北区", "COSMOPlat", "351.92亿元"} {
			spans := got.Find(q)
			if len(spans) == 0 {
				t.Errorf("Find(%q) found nothing", q)
			}
			for _, sp := range spans {
				if s := string(runes[sp[0]:sp[1]]); s != q {
					t.Errorf("Find(%q) span %v holds %q", q, sp, s)
				}
			}
			if n := strings.Count(got.Text, q); n != len(spans) {
				t.Errorf("Find(%q) = %d spans, strings.Count = %d", q, len(spans), n)
			}
		}
	})
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, text, quote string
		want              [][2]int
	}{
		{"code points, not bytes", "江北区GDP增长3.9%\n数读江北区", "江北区", [][2]int{{0, 3}, {15, 18}}},
		{"ascii after han", "江北区GDP增长3.9%", "3.9%", [][2]int{{8, 12}}},
		{"overlapping", "滴滴滴", "滴滴", [][2]int{{0, 2}, {1, 3}}},
		{"across a block boundary", "全面\n提升", "面\n提", [][2]int{{1, 4}}},
		{"absent", "江北区", "渝中区", nil},
		{"empty quote", "江北区", "", nil},
		{"empty text", "", "江北", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Text{Text: tt.text}).Find(tt.quote); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Find(%q) in %q = %v, want %v", tt.quote, tt.text, got, tt.want)
			}
		})
	}
}

// TestGolden pins the whole normalised seed page, one block per line, so
// any change in normalisation shows up in review. Run with -update to
// rewrite it.
func TestGolden(t *testing.T) {
	got := Normalize(readSeed(t)).Text + "\n"
	if *update {
		if err := os.MkdirAll(filepath.Dir(goldenPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(goldenPath)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("normalised seed differs from %s at block %d:\n got %q\nwant %q\n(run go test -update to accept)", goldenPath, i, g, w)
			}
		}
	}
}
