"""The category taxonomy of DOMAIN.md §6 as seed data: owners, deadlines, the words residents use.

Pure data, no Django: the seeding code copies it into per-community `Category` rows, whose fields
(code, name, keywords, owner_kind, accept_hours, respond_days, needs_joint_decision) it shares.
"""

from dataclasses import dataclass

# The values of roundtable.people.models.OrganisationKind, repeated so this module needs no Django.
OWNER_KINDS = frozenset(
    {
        "residents_committee",
        "property_company",
        "owners_committee",
        "street_department",
        "utility",
        "merchant",
        "social_organisation",
    }
)


@dataclass(frozen=True)
class Sla:
    """Default deadlines: accept within hours, respond within working days (DOMAIN.md §3)."""

    accept_hours: int
    respond_days: int


STANDARD = Sla(accept_hours=24, respond_days=5)
URGENT = Sla(accept_hours=2, respond_days=5)  # a safety risk: someone must take it on today
CONSULTATION = Sla(accept_hours=24, respond_days=2)  # a question with an answer
COMPLEX = Sla(accept_hours=24, respond_days=15)  # complaints and repairs that need contractors


@dataclass(frozen=True)
class Category:
    """One category of the taxonomy; top-level codes are "01".."10", subcategories "01.01"."""

    code: str
    name: str
    keywords: tuple[str, ...]
    owner_kind: str
    sla: Sla = STANDARD
    # 《民法典》 Art. 278: the owners decide together (DOMAIN.md §4).
    needs_joint_decision: bool = False

    @property
    def parent_code(self):
        """The top-level code of a subcategory, or None for a top-level category."""
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    @property
    def accept_hours(self):
        return self.sla.accept_hours

    @property
    def respond_days(self):
        return self.sla.respond_days

    @property
    def urgent(self):
        return self.sla.accept_hours < STANDARD.accept_hours


def _words(text):
    return tuple(text.split())


C = Category
RC, PC, OC = "residents_committee", "property_company", "owners_committee"
SD, UT, SO = "street_department", "utility", "social_organisation"

CATEGORIES = (
    C("01", "消防与安全", _words("消防 安全隐患 隐患 危险 着火 火灾 安全"), PC, URGENT),
    C(
        "01.01",
        "楼道杂物",
        _words(
            "楼道杂物 杂物 堆放 堆满 堆着 纸箱 纸壳 废品 旧家具 旧沙发 占用楼道 楼梯口 楼梯间 "
            "楼梯底下 鞋柜 自行车 婴儿车 花盆 煤气罐 过不去"
        ),
        PC,
    ),
    C(
        "01.02",
        "占用消防通道",
        _words(
            "消防通道 消防车道 消防车 生命通道 堵死 堵住 逃生 安全出口 疏散 锁死 天台门 天台 封死"
        ),
        PC,
        URGENT,
    ),
    C(
        "01.03",
        "电动车入户/飞线充电",
        _words(
            "飞线 飞线充电 拉线 拉电线 电线 充电 插线板 插座 电池 电瓶 电动车上楼 推上楼 "
            "推进电梯 进电梯 入户 在家充电 楼道充电 漏电"
        ),
        PC,
        URGENT,
    ),
    C(
        "01.04",
        "高空抛物",
        _words(
            "高空抛物 高空坠物 扔下来 往下扔 扔东西 抛物 砸到 砸伤 从楼上扔 花盆掉 烟头 酒瓶 差点砸"
        ),
        RC,
        URGENT,
    ),
    C(
        "01.05",
        "消防设施损坏",
        _words(
            "灭火器 消防栓 消火栓 水带 水枪 过期 压力表 烟感 烟雾报警 报警器 应急灯 "
            "应急照明 疏散指示 喷淋 消防设施"
        ),
        PC,
        URGENT,
    ),
    C("02", "电动车与停车", _words("停车 车位 电动车 车辆 汽车 停车场 车库"), PC),
    C(
        "02.01",
        "车棚/充电设施",
        _words(
            "车棚 停车棚 电动车棚 充电桩 充电口 充电插座 扫码充电 充电柜 充电难 充电贵 "
            "充电费 加装充电 建车棚 扩建车棚 顶棚 雨棚"
        ),
        PC,
        COMPLEX,
        True,
    ),
    C(
        "02.02",
        "乱停车",
        _words(
            "乱停 乱放 乱停乱放 随意停放 占道 堵路 挡路 挡住 人行道 禁停 堵着单元门 "
            "单元门口 外来车辆 停满"
        ),
        PC,
    ),
    C(
        "02.03",
        "车位分配",
        _words(
            "车位分配 抽签 摇号 抽不到 租车位 车位租金 车位费 停车费 买车位 地锁 占车位 "
            "公共车位 固定车位 临停 道闸 车牌识别"
        ),
        PC,
        STANDARD,
        True,
    ),
    C(
        "02.04",
        "僵尸车",
        _words(
            "僵尸车 废弃车辆 长期停放 没动过 落满灰 轮胎瘪 锈 拖走 报废车 无主车 好几年 停了一年"
        ),
        PC,
        COMPLEX,
    ),
    C("03", "环境卫生", _words("卫生 脏 臭 环境 清洁 垃圾"), PC),
    C(
        "03.01",
        "垃圾分类/清运",
        _words(
            "垃圾 垃圾桶 垃圾箱 垃圾站 垃圾分类 垃圾亭 厨余 湿垃圾 干垃圾 可回收 清运 "
            "没人清 溢出来 投放 投放点 扔垃圾 臭气 苍蝇 没人扫"
        ),
        PC,
    ),
    C(
        "03.02",
        "装修垃圾",
        _words("装修垃圾 建筑垃圾 渣土 水泥袋 砖头 瓷砖碎片 装修废料 建渣 装修 倒在"),
        PC,
    ),
    C(
        "03.03",
        "下水堵塞",
        _words(
            "下水道 下水 下水管 堵了 堵塞 反水 返水 冒水 地漏 污水 化粪池 污水井 窨井 "
            "马桶 水槽 疏通 化粪"
        ),
        PC,
    ),
    C(
        "03.04",
        "病媒",
        _words("老鼠 灭鼠 鼠药 蟑螂 蚊子 蚊虫 苍蝇 蛆 消杀 病媒 四害 白蚁 跳蚤 蚂蚁"),
        PC,
    ),
    C("04", "邻里与秩序", _words("邻居 扰民 邻里 吵 纠纷 秩序"), RC, COMPLEX),
    C(
        "04.01",
        "噪音",
        _words(
            "噪音 噪声 吵 吵死 睡不着 半夜 蹦迪 跳绳 拖椅子 广场舞 音响 电钻 砸墙 "
            "装修时间 打球 喝酒 划拳 声音太大 影响休息 咚咚"
        ),
        RC,
        COMPLEX,
    ),
    C(
        "04.02",
        "宠物扰民",
        _words(
            "宠物 狗 狗叫 遛狗 牵绳 拴绳 狗屎 狗粪 咬人 咬伤 猫 流浪猫 野猫 猫尿 养鸡 打鸣 鸽子 犬"
        ),
        RC,
        COMPLEX,
    ),
    C(
        "04.03",
        "油烟",
        _words("油烟 排油烟 餐馆 饭店 饭馆 烧烤 底商 熏 油烟机 烟味 排烟"),
        SD,
        COMPLEX,
    ),
    C("04.04", "群租", _words("群租 群租房 隔断 隔成 出租 合租 人员复杂 二房东 短租"), RC, COMPLEX),
    C(
        "04.05",
        "邻里纠纷",
        _words(
            "邻里纠纷 纠纷 吵架 吵起来 调解 协调 沟通无果 说了不听 不讲理 矛盾 占我家 "
            "空调外机 滴水 晾衣服"
        ),
        RC,
        COMPLEX,
    ),
    C("05", "房屋与设施", _words("维修 坏了 损坏 修 设施 破损"), PC),
    C(
        "05.01",
        "渗漏",
        _words(
            "渗漏 渗水 漏雨 屋面 楼顶漏水 顶楼 顶层 外墙渗水 防水层 发霉 水印 墙面 "
            "墙皮 脱落 地下室进水 进水"
        ),
        PC,
        COMPLEX,
    ),
    C(
        "05.02",
        "楼上漏水",
        _words("楼上漏水 天花板 吊顶 滴水 漏下来 渗到 卫生间漏水 水管爆 水管坏 淹了 漏水"),
        PC,
    ),
    C(
        "05.03",
        "电梯",
        _words("电梯 关人 困人 停运 电梯故障 电梯坏 维保 电梯广告 电梯异响 上下楼 爬楼"),
        PC,
        URGENT,
    ),
    C(
        "05.04",
        "路灯",
        _words("路灯 灯不亮 声控灯 感应灯 楼道灯 照明 黑乎乎 黑漆漆 摸黑 看不清 灯坏"),
        PC,
    ),
    C(
        "05.05",
        "门禁监控",
        _words(
            "门禁 门禁卡 刷卡 对讲 可视对讲 门铃 单元门 门关不上 监控 摄像头 陌生人 被偷 围墙 门锁"
        ),
        PC,
    ),
    C(
        "05.06",
        "游乐健身设施",
        _words(
            "游乐场 游乐设施 儿童乐园 滑梯 秋千 地胶 塑胶地面 健身器材 健身区 漫步机 "
            "篮球场 乒乓球台 螺丝松"
        ),
        PC,
    ),
    C(
        "05.07",
        "道路破损",
        _words(
            "路面 道路 坑坑洼洼 坑 塌陷 积水 井盖 减速带 台阶 坡道 无障碍 地砖 人行道破损 "
            "扶手 外墙砖 瓷砖掉"
        ),
        PC,
        COMPLEX,
    ),
    C(
        "05.08",
        "二次供水",
        _words("二次供水 水箱 清洗水箱 水质 发黄 铁锈味 怪味 浑浊 自来水发黄 水池 水泵"),
        PC,
    ),
    C("06", "绿化与公共空间", _words("绿化 公共空间 绿地 空地 公共区域"), PC),
    C(
        "06.01",
        "绿化养护",
        _words(
            "绿化带 修剪 杂草 草坪 树枝 大树 树木 补种 浇水 虫害 有虫 砍树 砍秃 挡阳光 "
            "刮倒 樟树 花坛"
        ),
        PC,
    ),
    C(
        "06.02",
        "毁绿种菜",
        _words("种菜 毁绿 挖了 种葱 种白菜 菜地 菜园 浇粪 施肥 粪水 拔了草 侵占绿地"),
        PC,
    ),
    C(
        "06.03",
        "违章搭建",
        _words(
            "违章搭建 违建 私搭乱建 搭棚 搭了 铁皮房 彩钢房 阳光房 扩建 圈占 圈起来 "
            "砌墙 矮墙 私自搭"
        ),
        SD,
        COMPLEX,
    ),
    C(
        "06.04",
        "公共空间改造/使用公约",
        _words(
            "改造 闲置 架空层 活动室 活动空间 使用公约 公约 座椅 凉亭 小花园 空间利用 "
            "党群服务中心 议事厅 公共空间"
        ),
        RC,
        COMPLEX,
        True,
    ),
    C("07", "物业服务", _words("物业 物业公司 物业服务 业主"), PC, COMPLEX),
    C(
        "07.01",
        "服务质量",
        _words(
            "服务差 态度差 不作为 敷衍 报修 没人来 没人管 保洁 保安 打扫 前台 管家 "
            "电话打不通 没人接 客服 不干活"
        ),
        PC,
        COMPLEX,
    ),
    C(
        "07.02",
        "物业费/公共收益公开",
        _words(
            "物业费 涨价 涨物业费 收费 公共收益 广告费 停车费收入 账目 公示 公开 收支 "
            "不透明 收费标准"
        ),
        PC,
    ),
    C(
        "07.03",
        "维修资金",
        _words("维修资金 专项维修资金 大修基金 维修基金 公共维修 动用 签字同意 申请使用 余额"),
        OC,
        COMPLEX,
        True,
    ),
    C(
        "07.04",
        "业委会事务",
        _words(
            "业委会 业主委员会 换届 选举 业主大会 成立业委会 换物业 物业合同 选聘 解聘 任期 表决"
        ),
        RC,
        COMPLEX,
        True,
    ),
    C("08", "水电气热", _words("水电 水电气 水费 电费 燃气费"), UT),
    C(
        "08.01",
        "供水",
        _words("停水 没水 来水 水压 水压低 水管爆 水表 水费 自来水管 爆管 供水"),
        UT,
        URGENT,
    ),
    C(
        "08.02",
        "供电",
        _words("停电 跳闸 电压 电压不稳 电表 电费 线路老化 断电 供电 电闸"),
        UT,
        URGENT,
    ),
    C(
        "08.03",
        "燃气",
        _words("燃气 煤气 天然气 漏气 燃气泄漏 燃气表 燃气费 开通天然气 开户 液化气 气味"),
        UT,
        URGENT,
    ),
    C("08.04", "供暖", _words("暖气 供暖 暖气片 供暖费 不热 地暖 采暖 热水"), UT),
    C("09", "民生服务", _words("社区服务 民生 服务 补贴 办理 咨询"), RC),
    C(
        "09.01",
        "养老助餐",
        _words(
            "老年食堂 助餐 助老 送餐 老人吃饭 独居老人 空巢老人 高龄老人 上门服务 养老 居家养老 "
            "量血压 助浴 智能手机培训 助老餐厅"
        ),
        SO,
    ),
    C(
        "09.02",
        "托育",
        _words("托育 托管 四点半课堂 放学 早教 幼儿 托管班 写作业 暑托 托儿所 看孩子"),
        SO,
    ),
    C(
        "09.03",
        "救助咨询",
        _words(
            "低保 救助 大病救助 临时救助 残疾 残疾人 补贴 困难家庭 特困 居住证 怎么办理 办理手续 "
            "政策咨询"
        ),
        RC,
        CONSULTATION,
    ),
    C(
        "09.04",
        "新就业群体",
        _words(
            "外卖 外卖小哥 骑手 快递员 快递小哥 网约车 新就业群体 爱心驿站 休息点 歇脚 送货 "
            "取餐柜 快递柜 进不了小区"
        ),
        RC,
    ),
    C("10", "建议与表扬", _words("建议 表扬 感谢 希望"), RC),
    C(
        "10.01",
        "意见建议",
        _words("建议 希望 多组织 活动 邻里节 志愿者 公众号 议事会 提前通知 读书角 开展 倡议"),
        RC,
    ),
    C(
        "10.02",
        "表扬感谢",
        _words("表扬 感谢 谢谢 点赞 点个赞 锦旗 辛苦 满意 好评 及时 认真 负责"),
        RC,
    ),
)

# The second axis: what is wrong, whatever the object (hotlines classify by object and problem).
# Two suggestions about one object with different problems (台阶太高 / 台阶碎了) are two problems.
PROBLEMS = {
    "broken": "坏 故障 失灵 不亮 不响 不能用 用不了 没反应 停运 破 烂 碎 裂 断 松 晃 脱落 掉 塌 "
    "倒 锈 老化 翘 陷 爆 不转 没转 不稳 螺丝 不制冷 起不来 刷不开 打不开 关不上 打不着 "
    "歪 卡住 卡在 升不上去 合不上 识别不了 识别不 认不出 不灵",
    "water": "漏 滴水 进水 淹 积水 冒水 反水 返水 溢 湿 发霉 水印 往外喷 流了一地 泡",
    "blocked": "堵 挡 占 占用 占道 拦 过不去 进不来 出不去 进不去 走不动 不让进 进不了 挤 "
    "锁死 锁住 封死 被锁 不通",
    "clutter": "堆 杂物 乱停 乱放 乱扔 乱丢 乱摆 废品 摆摊 停满 一大片 到处都是 满地",
    "dirt": "脏 臭 味 苍蝇 蚊 蛆 屎 粪 尿 没人扫 没人清 不清理",
    "noise": "吵 噪音 响 叫 吠 睡不着 影响休息 扰民 声音 咚咚 砰砰 哐哐 吵醒 轰 汪汪 炸街 "
    "蹦跳 拖椅子 跳绳 打鸣 划拳",
    "smoke": "油烟 抽烟 烟味 熏 烟头 烟 呛",
    "danger": "危险 隐患 砸 着火 漏电 泄漏 摔 绊 差点 踩空 翻 掉下去 划破 碎玻璃 崴 烧黑 冒烟 烧焦",
    "money": "收费 费 贵 涨价 钱 账目 收益 涨 翻倍 多了一倍",
    "disclosure": "公开 公示 公布 透明 去哪了 怎么花 花哪",
    "missing": "没有 不够 太少 缺 没地方 难 不方便 增加 加装 多建 新建 设个 装个 开个 办个 "
    "多装 多开 抢没 抢不到 报不上",
    # Asking and proposing say little about which problem it is: similarity weighs them less.
    "request": "建议 希望 能不能 可不可以 改造",
    "conduct": "不牵绳 不捡 不听 不理 态度 骂 私自 偷 丢",
    "service": "不拖 才拖 不扫 只打扫 打不通 没人接 没人管 没人来 敷衍 不通知 不作为 不干活 "
    "不管事 不在岗 玩手机 睡觉 不登记 没人应 没人收",
    "hours": "时间 太早 太短 锁门 关门 开放 不开门 晚上不开 关得 延长 周末",
    "height": "太高 太低 水压",
    "expired": "过期 不合格",
    "question": "怎么 如何 哪里 多少 是否 可以吗 合理吗 合法吗 什么时候 怎么办 去哪 需要什么 "
    "什么材料 为什么",
    "outage": "停水 停电 没水 没电 断电 断水 停气 跳闸 来水 来电",
    "full": "满了 溢出 满出来 爆满 清运 装不下 停不下",
    "theft": "被偷 被盗 撬 失窃 偷走 挖走 偷挖",
    "damage": "踩 踩坏 毁 破坏 砍 砍秃 挖开 开挖",
    "change": "改成 改为 改做 铲了 划成 改建",
    "fairness": "不公平 公平 抽不到 摇号 抽签",
    "payment": "缴费 交费 怎么交 微信 支付宝",
    "praise": "表扬 感谢 谢谢 点赞 辛苦 点个赞 满意 锦旗",
    "speed": "太快 飞快 超速 开得快 骑得快 车速",
    "consent": "同意 不知情 业主大会 程序 发起 签字",
    "faded": "褪色 模糊 看不清",
    "heat": "太热 闷 热风 太晒 遮阳 热得 太烫",
    "cold": "冷风 漏风 灌风 太冷 不暖和 不热",
    "withered": "枯 枯黄 枯死 裸露 秃",
    "dispute": "吵架 纠纷 调解 矛盾 协商",
    "defaced": "乱贴 乱画 涂鸦 难看 贴满",
    "bite": "咬 咬伤 抓伤",
    "pests": "虫 虫害 蟑螂 老鼠 鼠药 灭鼠 打药 蚂蚁 白蚁 消杀",
    "trapped": "困人 关人 关在里面",
    "feeding": "喂 投喂",
    "guidance": "指导 督导 没人教",
    "position": "正对着 对着 太近 离窗户",
}

# The first axis, finer than the subcategories: what a suggestion is about. Two suggestions about
# one subcategory but different things (井盖 / 地砖, 广场舞 / 楼上 as the source of a noise) are
# two problems. Synonyms of similarity.SYNONYMS are written once, in their common form.
OBJECTS = {
    "elevator": "电梯 轿厢 按钮 按键",
    "ad_screen": "广告屏 电梯广告 电视广告",
    "manhole": "井盖 窨井 下水道盖",
    "road": "路面 地面 道路 小路 坑坑洼洼 大坑",
    "street_light": "路灯 照明",
    "emergency_light": "应急灯 应急照明 疏散指示",
    "stair_light": "声控灯 楼道灯",
    "access": "门禁 门禁卡 刷卡 陌生人 人脸识别 刷脸 人脸",
    "unit_door": "单元门 闭门器 门锁",
    "intercom": "对讲 门铃",
    "barrier": "道闸 抬杆 栏杆起不来 车辆出入口",
    "railing": "护栏 围栏 栏杆",
    "handrail": "扶手",
    "steps": "台阶 坡道 无障碍 轮椅",
    "paving": "地砖 人行道",
    "facade": "外墙 外墙砖 墙砖",
    "wall": "墙皮 墙面 起皮 掉渣 墙角",
    "roof": "楼顶 天台 顶楼 顶层 屋面",
    "basement": "地下室 负一楼 储藏室",
    "garage": "车库 地下车库 地库 停车场",
    "water_pipe": "水管 自来水管 地下水管 管道 阀门",
    "water_supply": "停水 没水 断水 来水 供水",
    "drain": "下水道 下水 地漏 化粪池 污水井 污水 马桶",
    "water_tank": "水箱 二次供水",
    "tap_water": "自来水 水质 水龙头 发黄 铁锈味",
    "water_pressure": "水压 水很小 热水器打不着",
    "water_heater": "热水器 太阳能",
    "air_conditioner": "空调 外机",
    "ventilation": "排风扇 排气扇 通风 风机",
    "bin": "垃圾桶 垃圾站 垃圾亭 分类点 分类站 投放点 投放 垃圾分类 厨余",
    "rubble": "装修垃圾 建筑垃圾 渣土 砖头 水泥袋",
    "greenery": "绿化带 绿地 草坪 草地 杂草 花坛 草皮",
    "tree": "树 树枝 树木",
    "dog": "狗 遛狗 犬 狗屎",
    "cat": "猫 流浪猫 猫尿 猫砂",
    "pigeon": "鸽子 鸽子笼",
    "square_dance": "广场舞 音响",
    "ball_court": "篮球场 打球 拍球 篮筐",
    "renovation": "装修 电钻 砸墙",
    "upstairs": "楼上",
    "restaurant": "饭店 餐馆 饭馆 底商 烧烤 泔水",
    "stall": "摆摊 摊贩 小商贩 菜摊 占道经营 早餐摊 早点摊 水果摊",
    "locker": "快递柜 丰巢 取餐柜",
    "parcel_point": "驿站 快递点 包裹 快递",
    "delivery": "外卖 外卖员 快递员 送货 送餐",
    "guard": "保安 门岗 保安亭 巡逻 门卫",
    "cleaning": "保洁 打扫 拖地",
    "helpdesk": "客服 管家 前台 电话",
    "property_fee": "物业费",
    "common_income": "公共收益 广告费 停车费收入 账目 收支",
    "repair_fund": "维修资金 维修基金 大修基金",
    "owners_committee": "业委会 换届 选举",
    "management_contract": "换物业 物业合同 选聘 解聘 换一家",
    "ebike": "电动车",
    "bicycle": "自行车",
    "pram": "婴儿车 推车",
    "charging": "充电 飞线 插线板 电线 拉线",
    "charger": "充电桩 充电口 充电插座",
    "bike_shed": "车棚 顶棚",
    "parking_space": "车位 地锁",
    "abandoned_car": "僵尸车 没动过 落满灰",
    "shared_bike": "共享单车 单车",
    "car": "汽车 私家车 面包车 货车",
    "fire_lane": "消防通道",
    "extinguisher": "灭火器 压力表",
    "hydrant": "消防栓 水带 水枪",
    "roof_door": "天台门",
    "falling_objects": "高空抛物 往下扔 扔下来 扔东西 抛物 酒瓶 玻璃瓶",
    "cctv": "监控 摄像头",
    "mailbox": "信报箱 信箱 报箱 信件",
    "window": "窗户 玻璃",
    "bench": "长椅 座椅 椅子 凳子",
    "fitness": "健身器材 漫步机 健身区 单杠 双杠",
    "playground": "游乐场 滑梯 秋千 地胶 塑胶 儿童乐园 沙坑",
    "activity_room": "活动室 棋牌室 活动中心",
    "canteen": "老年食堂 助餐 助老餐厅",
    "after_school": "托管 四点半课堂 托管班 放学",
    "residence_permit": "居住证",
    "subsistence": "低保",
    "gas": "燃气 燃气表",
    "electricity": "电表 电费 电压 停电 断电 没电 跳闸 电闸 供电",
    "water_bill": "水费",
    "crossing": "斑马线 人行横道",
    "traffic_light": "红绿灯 信号灯",
    "speed_bump": "减速带",
    "boundary_wall": "围墙",
    "illegal_building": "违建 违章搭建 搭建 铁皮房 阳光房 搭棚 棚子 圈占 矮墙",
    "vegetable_plot": "种菜 菜地 菜园 开荒",
    "group_rental": "群租 隔断",
    "incense": "烧香 点香 烧纸",
    "cigarette": "抽烟 烟头",
    "drying": "晾衣服 晾被子 晾晒 晾",
    "clinic": "卫生服务站 社区医院",
    "party_centre": "党群服务中心",
    "public_toilet": "公共卫生间 公厕",
    "garage_door": "卷帘门 车库门",
    "senior_college": "老年大学",
    "bus_stop": "公交站 公交车站 站牌 站台",
    "footpath": "步道 健身步道 跑道",
    "stove": "煤炉 炉子 煤球 生炉子",
    "alarm_button": "应急电话 报警按钮 紧急按钮 呼叫按钮",
    "motorbike": "摩托车 摩托 炸街",
    "flyposting": "小广告 牛皮癣",
    "gas_pipe": "燃气管 燃气管道 煤气罐",
    "flower_pot": "花盆",
    "bollard": "石墩 石墩子 路障 隔离桩",
    "fire_door": "防火门 楼道门",
    "network": "网络 宽带 信号",
    "singing": "唱歌 k歌 卡拉ok 麦克风",
    "loudspeaker": "喇叭 叫卖",
    "construction": "施工 工地 打桩",
    "fireworks": "鞭炮 烟花 放炮",
    "wasps": "马蜂 蜂窝 马蜂窝",
    "ditch": "排水沟 水沟 阴沟",
    "canopy": "雨棚 遮雨棚",
    "burglar_bars": "防盗网 防盗窗",
    "signage": "指示牌 路牌 门牌 楼号牌",
    "notice_board": "公告栏 宣传栏",
    "water_meter": "水表",
    "heating": "暖气 供暖 暖气片 地暖",
    "parking_fee": "停车费 临停",
    "corridor": "楼道 楼梯口 楼梯 过道",
    "junk": "纸箱 旧家具 鞋柜 纸壳 建筑材料",
    "pond": "水景池 水景 池塘",
    "shop": "商铺 商户 店铺",
    "fire_exit": "安全出口 逃生通道 疏散通道",
    "smoke_alarm": "烟感 报警器 烟雾报警",
    "tricycle": "三轮车",
    "poultry": "养鸡 鸡 鸭",
    "drinking": "喝酒 划拳",
    "school": "上小学 学区 入学 幼儿园",
    "elderly_care": "养老 居家养老 失能 护理 独居老人 空巢老人",
    "disability": "残疾 残疾人",
    "training": "培训 智能手机",
    "events": "活动 亲子活动 邻里节 义诊 志愿者",
    "staff": "网格员 社区书记 社区工作人员",
    "deliberation": "议事会 议站 收集意见 议事厅",
    "online_channel": "公众号 微信群 业主群",
    "swimming_pool": "游泳池 泳池",
}

_BY_CODE = {category.code: category for category in CATEGORIES}


def by_code(code):
    """The category with this code; KeyError if there is none."""
    return _BY_CODE[code]


def top_level():
    """The ten top-level categories, in code order."""
    return tuple(category for category in CATEGORIES if category.parent_code is None)


def children(code):
    """The subcategories of a top-level category, in code order."""
    return tuple(category for category in CATEGORIES if category.parent_code == code)
