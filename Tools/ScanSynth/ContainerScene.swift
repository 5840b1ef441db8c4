import Foundation
import TriagePhysics

/// What scangen draws, versioned: the same seed and options give the same batch within a
/// version; a new version changes some scenes (`Tools/quality.sh` makes its batches again).
/// - scenes-2: a light box's plank lies halfway up the box as its column's height cuts it, not
///   in the air above (furniture and plastics showed "objects above the load" when clean).
public enum SceneVersion {
    public static let current = "scenes-2"
}

/// The random choices that make one synthetic container.
public struct ScenePlan: Sendable {
    public var type: ContainerType
    public var doorOnRight: Bool
    public var cargo: CargoKind?
    /// Gross mass of the goods actually loaded (kg), packaging included.
    public var goodsMassKg: Double
    public var anomaly: AnomalyKind
    /// 1 obvious, 0 hard.
    public var strength: Double

    public init(type: ContainerType, doorOnRight: Bool, cargo: CargoKind?, goodsMassKg: Double,
                anomaly: AnomalyKind, strength: Double) {
        self.type = type
        self.doorOnRight = doorOnRight
        self.cargo = cargo
        self.goodsMassKg = goodsMassKg
        self.anomaly = anomaly
        self.strength = strength
    }
}

/// A rendered side view: density layers per material and what the truth is.
public struct RenderedScene: Sendable {
    public var grid: SceneGrid
    public var layers: [DensityLayer]
    /// Goods mass as rendered (kg, packaging included, contraband excluded).
    public var goodsMassKg: Double
    public var contrabandKg: Double
    /// Where the anomaly is, in scan pixels.
    public var anomalyBBox: [Int]?
    public var containerBBox: [Int]

    /// Attenuation Σ (μ/ρ)(E)·D per pixel.
    public func attenuation(effectiveMeV energy: Double) -> [Double] {
        var result = [Double](repeating: 0, count: grid.width * grid.height)
        for layer in layers {
            let mu = layer.material.massAttenuation(atMeV: energy)
            for index in result.indices where layer.density[index] != 0 {
                result[index] += mu * Double(layer.density[index])
            }
        }
        return result
    }
}

/// Builds the side view of a container on its chassis: structure, cargo, anomaly.
public struct SceneBuilder {
    public var plan: ScenePlan
    public var grid: SceneGrid
    var rng: SeededRandom

    // Layout in millimetres.
    let frontX: Double      // x of the front end (machinery end)
    let direction: Double   // +1 when the doors are on the right
    let top: Double         // y of the container's top
    let bottom: Double      // y of the container's bottom (on the chassis)
    let ground: Double
    let floorY: Double      // top of the floor, inside
    let ceilingY: Double

    var steel: DensityLayer
    var wood: DensityLayer
    var rubber: DensityLayer
    var aluminium: DensityLayer
    var goods: DensityLayer
    var packaging: DensityLayer
    var contraband: DensityLayer

    /// Lays out the image: air margins, container, chassis and wheels below, ground at the bottom.
    public static func gridFor(type: ContainerType, pitchX: Double, pitchY: Double, rng: inout SeededRandom)
        -> (grid: SceneGrid, left: Double, top: Double) {
        let left = rng.uniform(450, 900), right = rng.uniform(450, 900)
        let above = rng.uniform(250, 450)
        let deck = rng.uniform(1180, 1340)
        let widthMM = left + type.length + right
        let heightMM = above + type.height + deck + 80
        let grid = SceneGrid(width: Int((widthMM / pitchX).rounded()), height: Int((heightMM / pitchY).rounded()),
                             pitchX: pitchX, pitchY: pitchY)
        return (grid, left, above)
    }

    public init(plan: ScenePlan, grid: SceneGrid, left: Double, top: Double, rng: SeededRandom) {
        self.plan = plan
        self.grid = grid
        self.rng = rng
        let type = plan.type
        direction = plan.doorOnRight ? 1 : -1
        frontX = plan.doorOnRight ? left : left + type.length
        self.top = top
        bottom = top + type.height
        ground = Double(grid.height) * grid.pitchY - 80
        floorY = bottom - 150
        ceilingY = floorY - type.innerHeight
        steel = DensityLayer(.iron, grid: grid)
        wood = DensityLayer(.cellulose, grid: grid)
        rubber = DensityLayer(.polyethylene, grid: grid)
        aluminium = DensityLayer(.aluminium, grid: grid)
        goods = DensityLayer(plan.cargo?.material ?? .cellulose, grid: grid)
        packaging = DensityLayer(.cellulose, grid: grid)
        contraband = DensityLayer(.cocaine, grid: grid)
    }

    /// x range of a span measured from the front end along the container.
    func span(_ d0: Double, _ d1: Double) -> (Double, Double) {
        let a = frontX + direction * d0, b = frontX + direction * d1
        return (min(a, b), max(a, b))
    }

    /// Where the cargo space begins and ends, measured from the front.
    var innerStart: Double { plan.type.isReefer ? 60 + plan.type.machineryDepth : 60 }
    var innerEnd: Double { plan.type.length - 90 }

    public mutating func build() -> RenderedScene {
        addStructure()
        addChassis()
        if plan.type.isReefer { addMachinery() }
        var anomalyBBox: [Int]?
        let doorGap: Double = plan.anomaly == .doorZone ? rng.uniform(500, 750) : rng.uniform(40, 450)
        let topClearance: Double = plan.anomaly == .topOfLoad ? rng.uniform(380, 520) : rng.uniform(120, 350)
        if let cargo = plan.cargo, plan.goodsMassKg > 0 {
            addCargo(cargo, doorGap: doorGap, topClearance: topClearance)
        }
        let goodsMass = goods.massKg + packaging.massKg
        var contrabandKg = 0.0
        switch plan.anomaly {
        case .doorZone:
            (anomalyBBox, contrabandKg) = addBags(atDoor: true, doorGap: doorGap, topClearance: topClearance)
        case .topOfLoad:
            (anomalyBBox, contrabandKg) = addBags(atDoor: false, doorGap: doorGap, topClearance: topClearance)
        case .concealedInLoad:
            (anomalyBBox, contrabandKg) = concealInLoad(doorGap: doorGap, topClearance: topClearance)
        case .reeferMachinery:
            (anomalyBBox, contrabandKg) = hideInMachinery()
        case .massUnderdeclared, .declaredEmptyLoaded:
            anomalyBBox = cargoBBox(doorGap: doorGap, topClearance: topClearance)
        case .none:
            break
        }
        let (cx0, cx1) = span(0, plan.type.length)
        return RenderedScene(grid: grid, layers: [steel, wood, rubber, aluminium, goods, packaging, contraband],
                             goodsMassKg: goodsMass, contrabandKg: contrabandKg, anomalyBBox: anomalyBBox,
                             containerBBox: grid.bbox(x0: cx0, x1: cx1, y0: top, y1: bottom))
    }

    // MARK: structure

    mutating func addStructure() {
        let type = plan.type
        let (x0, x1) = span(0, type.length)
        let fullWidth = type.width / 10 // cm of beam path along a part spanning the width
        if type.isReefer {
            // Insulated walls: stainless outside, aluminium inside, foam between (flat).
            steel.addBox(x0: x0, x1: x1, y0: top, y1: bottom, areal: 2 * 0.1 * 7.9)
            aluminium.addBox(x0: x0, x1: x1, y0: top, y1: bottom, areal: 2 * 0.1 * 2.7)
            rubber.addBox(x0: x0, x1: x1, y0: top, y1: bottom, areal: 2 * 10 * 0.04)
        } else {
            // Trapezoidal corrugation (pitch 278 mm): the slants carry √2 more steel along the beam.
            let phase = rng.uniform(0, 278)
            steel.addBox(x0: x0, x1: x1, y0: top, y1: bottom) { x, _ in
                let u = (x - x0 + phase).truncatingRemainder(dividingBy: 278)
                let slant = (u > 70 && u < 139) || (u > 209)
                return 2 * 0.16 * 7.87 * (slant ? 1.41 : 1.0)
            }
        }
        // Roof sheet (2 mm, spanning the width, slight corrugation), top rails.
        let roofY = top + 12
        for c in max(0, grid.column(x0))...min(grid.width - 1, grid.column(x1)) {
            let xc = (Double(c) + 0.5) * grid.pitchX
            let y = roofY + 9 * sin(2 * .pi * xc / 230)
            steel.addBox(x0: Double(c) * grid.pitchX, x1: Double(c + 1) * grid.pitchX, y0: y, y1: y + 2, areal: 7.87 * fullWidth)
        }
        steel.addBox(x0: x0, x1: x1, y0: top, y1: top + 60, areal: 2 * 0.6 * 7.87)
        steel.addBox(x0: x0, x1: x1, y0: top, y1: top + 3, areal: 2 * 6 * 7.87)
        steel.addBox(x0: x0, x1: x1, y0: top + 57, y1: top + 60, areal: 2 * 6 * 7.87)
        // Bottom side rails, cross members every ~300 mm, floor.
        steel.addBox(x0: x0, x1: x1, y0: bottom - 160, y1: bottom, areal: 2 * 0.45 * 7.87)
        steel.addBox(x0: x0, x1: x1, y0: bottom - 5, y1: bottom, areal: 2 * 4.8 * 7.87)
        var d = 150.0
        while d < type.length - 150 {
            let (m0, _) = span(d, d + 4)
            steel.addBox(x0: m0, x1: m0 + 4, y0: floorY + 28, y1: bottom - 10, areal: 7.87 * fullWidth)
            steel.addBox(x0: m0 - 22, x1: m0 + 26, y0: bottom - 14, y1: bottom - 10, areal: 7.87 * fullWidth)
            d += rng.uniform(280, 320)
        }
        if type.isReefer {
            // Aluminium T-floor: rails spanning the width, ~30 % aluminium by volume.
            aluminium.addBox(x0: x0, x1: x1, y0: floorY, y1: floorY + 60, areal: 2.7 * (type.innerWidth / 10) * 0.3)
        } else {
            wood.addBox(x0: x0, x1: x1, y0: floorY, y1: floorY + 28, areal: 0.72 * (type.innerWidth / 10))
        }
        // Front end wall and door end: corrugated sheet spanning the width within ~40 mm of depth.
        let (f0, f1) = span(0, 40)
        steel.addBox(x0: f0, x1: f1, y0: top, y1: bottom, areal: 0.2 * 1.4 / 4 * 7.87 * fullWidth)
        let (door0, door1) = span(type.length - 45, type.length)
        steel.addBox(x0: door0, x1: door1, y0: top, y1: bottom, areal: 0.2 * 1.3 / 4.5 * 7.87 * fullWidth)
        // Locking bars (4 tubes along the door face) and the door header and sill.
        let (bar0, bar1) = span(type.length - 30, type.length - 3)
        steel.addBox(x0: bar0, x1: bar1, y0: top + 150, y1: bottom - 120, areal: 4 * 2 * 0.35 * 7.87)
        let (h0, h1) = span(type.length - 180, type.length)
        steel.addBox(x0: h0, x1: h1, y0: top, y1: top + 110, areal: 2 * 0.8 * 7.87 + 20)
        steel.addBox(x0: h0, x1: h1, y0: bottom - 130, y1: bottom, areal: 2 * 0.8 * 7.87 + 20)
        // Corner posts at both ends and corner castings at the eight corners.
        for end in [0.0, type.length - 150] {
            let (p0, p1) = span(end, end + 150)
            steel.addBox(x0: p0, x1: p1, y0: top, y1: bottom, areal: 2 * 0.6 * 7.87)
            let (c0, c1) = span(end == 0 ? 0 : type.length - 178, end == 0 ? 178 : type.length)
            steel.addBox(x0: c0, x1: c1, y0: top, y1: top + 118, areal: 60)
            steel.addBox(x0: c0, x1: c1, y0: bottom - 118, y1: bottom, areal: 60)
        }
    }

    mutating func addChassis() {
        let type = plan.type
        // Two main I-beams under the container, 300 mm deep, a little longer than the box.
        let (x0, x1) = span(-250, type.length + 100)
        let beamTop = bottom, beamBottom = bottom + 300
        steel.addBox(x0: x0, x1: x1, y0: beamTop, y1: beamBottom, areal: 2 * 0.8 * 7.87)
        steel.addBox(x0: x0, x1: x1, y0: beamTop, y1: beamTop + 15, areal: 2 * 15 * 7.87)
        steel.addBox(x0: x0, x1: x1, y0: beamBottom - 15, y1: beamBottom, areal: 2 * 15 * 7.87)
        // Chassis cross members every metre (tubes spanning the width).
        var d = 300.0
        while d < type.length {
            let (m0, m1) = span(d, d + 80)
            steel.addBox(x0: m0, x1: m1, y0: beamTop + 40, y1: beamTop + 140, areal: 2 * 0.5 * 7.87 * 2)
            d += 1000
        }
        // Landing legs near the front.
        let (l0, l1) = span(2300, 2420)
        steel.addBox(x0: l0, x1: l1, y0: beamBottom, y1: ground - 250, areal: 2 * 2 * 0.5 * 7.87)
        // Axles at the door end (rear of the trailer): wheels with tyres, rims, hub and axle tube.
        let axleCount = type.length > 9000 ? 3 : 2
        let radius = 510.0
        let centreY = ground - radius
        for axle in 0..<axleCount {
            let (ax, _) = span(type.length - 1100 - Double(axle) * 1310, type.length - 1100 - Double(axle) * 1310)
            rubber.addDisk(cx: ax, cy: centreY, radius: radius, inner: 290, areal: 4 * 25 * 1.15 * 0.5)
            steel.addDisk(cx: ax, cy: centreY, radius: 290, inner: 100, areal: 4 * 2 * 1.0 * 7.87)
            steel.addDisk(cx: ax, cy: centreY, radius: 100, areal: 2 * 15 * 7.87)
            steel.addDisk(cx: ax, cy: centreY, radius: 64, areal: 180 * 7.87 * 0.35)
        }
        // Ground: a concrete slab seen edge-on is outside the frame; nothing below the wheels.
    }

    /// The refrigeration unit in its recess at the front: compressor, condenser, evaporator, fans.
    mutating func addMachinery() {
        let depth = plan.type.machineryDepth
        let (m0, m1) = span(40, 40 + depth)
        let lower = bottom - 150, upper = top + 120
        let span1 = m1 - m0
        // Frame and panels.
        aluminium.addBox(x0: m0, x1: m1, y0: upper, y1: lower, areal: 6)
        // Compressor low down (dense), condenser coil above it, evaporator coil at the top.
        steel.addBox(x0: m0 + span1 * 0.2, x1: m0 + span1 * 0.75, y0: lower - 520, y1: lower - 80, areal: 38)
        aluminium.addBox(x0: m0 + span1 * 0.1, x1: m1 - span1 * 0.1, y0: lower - 1250, y1: lower - 600, areal: 14)
        steel.addBox(x0: m0 + span1 * 0.1, x1: m1 - span1 * 0.1, y0: lower - 1250, y1: lower - 600, areal: 4)
        aluminium.addBox(x0: m0 + span1 * 0.15, x1: m1 - span1 * 0.15, y0: upper + 80, y1: upper + 650, areal: 10)
        // Fan motors.
        steel.addDisk(cx: (m0 + m1) / 2, cy: upper + 360, radius: 90, areal: 45)
        steel.addDisk(cx: (m0 + m1) / 2, cy: lower - 900, radius: 110, areal: 45)
        // Control box.
        steel.addBox(x0: m0 + span1 * 0.55, x1: m1 - span1 * 0.05, y0: lower - 1500, y1: lower - 1300, areal: 12)
        // The insulated bulkhead between machinery and cargo.
        let (b0, b1) = span(40 + depth - 20, 40 + depth)
        aluminium.addBox(x0: b0, x1: b1, y0: upper, y1: lower, areal: 0.2 * 2.7 * plan.type.innerWidth / 10 / 2)
    }

    // MARK: cargo

    func cargoBBox(doorGap: Double, topClearance: Double) -> [Int] {
        let (x0, x1) = span(innerStart, innerEnd - doorGap)
        return grid.bbox(x0: x0, x1: x1, y0: ceilingY + topClearance, y1: floorY)
    }

    mutating func addCargo(_ cargo: CargoKind, doorGap: Double, topClearance: Double) {
        let start = innerStart + 20, end = innerEnd - doorGap
        let maxHeight = plan.type.innerHeight - topClearance
        let path = plan.type.innerWidth / 10
        switch cargo.packing {
        case .palletisedCartons:
            var d = start
            let stackHeight = min(maxHeight, rng.uniform(2050, 2250))
            while d + 1000 <= end {
                let length = rng.uniform(1000, 1200)
                let stackEnd = min(end, d + length)
                let (x0, x1) = span(d, stackEnd)
                // Pallet base: 144 mm of pine, two pallets across.
                packaging.addBox(x0: x0, x1: x1, y0: floorY - 144, y1: floorY, areal: 0.5 * 0.45 * 200)
                let layers = Int((stackHeight - 144) / rng.uniform(220, 280))
                let layerHeight = (stackHeight - 144) / Double(max(1, layers))
                let lostLayers = rng.chance(0.3) ? 1 : 0
                for layer in 0..<(layers - lostLayers) {
                    let y1 = floorY - 144 - Double(layer) * layerHeight
                    let y0 = y1 - layerHeight
                    var cd = d
                    while cd < stackEnd - 1 {
                        let cartonEnd = min(stackEnd, cd + rng.uniform(380, 600))
                        let (cx0, cx1) = span(cd, cartonEnd)
                        let density = 0.38 * (1 + 0.07 * rng.normal())
                        goods.addBox(x0: cx0, x1: cx1, y0: y0 + 4, y1: y1 - 4, areal: density * 200)
                        // Carton walls: a little cardboard at every seam.
                        packaging.addBox(x0: cx0, x1: cx1, y0: y1 - 6, y1: y1, areal: 12)
                        packaging.addBox(x0: cx0, x1: cx0 + 6, y0: y0, y1: y1, areal: 10)
                        cd = cartonEnd
                    }
                }
                d = stackEnd + rng.uniform(15, 60)
            }
        case .bags:
            let height = min(maxHeight, rng.uniform(1700, 2100))
            let layerHeight = rng.uniform(150, 200)
            let layers = Int(height / layerHeight)
            for layer in 0..<layers {
                let cy = floorY - (Double(layer) + 0.5) * layerHeight
                var d = start + (layer % 2 == 0 ? 0 : 350)
                while d < end - 200 {
                    let length = rng.uniform(650, 750)
                    let (x0, x1) = span(d, min(end, d + length))
                    goods.addEllipsoid(cx: (x0 + x1) / 2, cy: cy, rx: (x1 - x0) / 2 + 40, ry: layerHeight * 0.62,
                                       centreAreal: 0.75 * path * 0.95)
                    d += length
                }
            }
        case .lightBoxes:
            var d = start
            while d < end - 300 {
                let length = rng.uniform(400, 1200)
                let (x0, x1) = span(d, min(end, d + length))
                var y = floorY
                let columnHeight = rng.uniform(0.6, 1) * maxHeight
                while y > floorY - columnHeight {
                    let h = rng.uniform(300, 900)
                    let density = rng.uniform(0.04, 0.22)
                    let top = max(floorY - columnHeight, y - h) // the column's top box is cut at its height
                    goods.addBox(x0: x0 + 10, x1: x1 - 10, y0: top + 8, y1: y - 8,
                                 areal: density * path * rng.uniform(0.6, 1))
                    if rng.chance(0.35) {
                        // A panel or plank: denser, thin, halfway up the box as cut (before
                        // scenes-2 it sat halfway up the uncut box, in the air above a cut one).
                        let middle = (top + y) / 2
                        packaging.addBox(x0: x0 + 20, x1: x1 - 20, y0: middle, y1: middle + 18, areal: 0.6 * path * 0.5)
                    }
                    y -= h
                }
                d += length + rng.uniform(0, 120)
            }
        case .timberBundles:
            let bundleHeight = min(maxHeight / 2 - 60, rng.uniform(1000, 1150))
            let half = (end - start) / 2
            for tier in 0..<2 {
                let yBottom = floorY - 80 - Double(tier) * (bundleHeight + 80)
                packaging.addBox(x0: span(start, end).0, x1: span(start, end).1, y0: yBottom, y1: yBottom + 80, areal: 0.5 * 0.3 * 200)
                for part in 0..<2 {
                    let (x0, x1) = span(start + Double(part) * half + 20, start + Double(part + 1) * half - 20)
                    let board = 47.0
                    var y = yBottom
                    var count = 0
                    while y - board > yBottom - bundleHeight {
                        goods.addBox(x0: x0, x1: x1, y0: y - board, y1: y, areal: 0.5 * 200 * 0.93)
                        y -= board
                        count += 1
                        if count % 5 == 0 { y -= 22 } // stickers
                    }
                }
            }
        case .scrap:
            var d = start
            var level = rng.uniform(600, 1300)
            while d < end {
                let chunk = rng.uniform(120, 320)
                level = min(maxHeight, max(300, level + rng.normal() * 120))
                let (x0, x1) = span(d, min(end, d + chunk))
                var y = floorY
                while y > floorY - level {
                    let h = rng.uniform(100, 300)
                    goods.addBox(x0: x0, x1: x1, y0: max(floorY - level, y - h), y1: y, areal: rng.uniform(0.3, 2.4) * path)
                    y -= h
                }
                d += chunk
            }
        case .drums:
            let radius = 292.0
            var d = start + 10
            while d + 2 * radius < end {
                let cx = span(d + radius, d + radius).0
                for level in 0..<2 {
                    let yBottom = floorY - 140 - Double(level) * (880 + 140)
                    packaging.addBox(x0: cx - radius, x1: cx + radius, y0: yBottom, y1: yBottom + 140, areal: 0.5 * 0.4 * 200)
                    goods.addBox(x0: cx - radius, x1: cx + radius, y0: yBottom - 880 + 60, y1: yBottom) { x, _ in
                        let u = (x - cx) / radius
                        return 4 * 2 * radius / 10 * sqrt(max(0, 1 - u * u)) * 0.79 * 0.95
                    }
                    steel.addBox(x0: cx - radius, x1: cx + radius, y0: yBottom - 880, y1: yBottom) { x, _ in
                        let u = min(0.97, abs(x - cx) / radius)
                        return 4 * 2 * 0.12 * 7.87 / sqrt(1 - u * u)
                    }
                }
                d += 2 * radius + rng.uniform(5, 20)
            }
        }
        // Scale the goods so that goods + packaging weigh what the plan says.
        let target = plan.goodsMassKg - packaging.massKg
        let rendered = goods.massKg
        if rendered > 0 && target > 0 { goods.scale(by: target / rendered) }
    }

    // MARK: anomalies

    /// Mass of contraband for a strength: 1 (obvious) ≈ 90 kg, 0 (hard) ≈ 8 kg.
    func contrabandMass() -> Double { 8 + 82 * plan.strength * plan.strength + 10 * plan.strength }

    /// Sports bags of pressed bricks (1.2 g/cm³, ~80 % fill): at the doors, or on top of the load.
    mutating func addBags(atDoor: Bool, doorGap: Double, topClearance: Double) -> ([Int]?, Double) {
        let mass = contrabandMass()
        let bags = max(1, Int((mass / 28).rounded(.up)))
        let perBag = mass / Double(bags)
        var boxes: [[Double]] = []
        let bagLength = 600.0, bagHeight = 300.0
        for index in 0..<bags {
            let d0: Double
            let yBottom: Double
            if atDoor {
                d0 = innerEnd - doorGap + 30 + Double(index / 3) * 0 + rng.uniform(0, max(0, doorGap - bagLength * 0.5 - 60))
                yBottom = floorY - Double(index % 3) * bagHeight * 0.9
            } else {
                let base = rng.uniform(innerStart + 500, innerEnd - 1500)
                d0 = base + Double(index) * bagLength * 0.95
                // Lying on whatever is below: the top of the goods under the bag.
                let (gx0, gx1) = span(d0 + bagLength * 0.3, d0 + bagLength * 0.7)
                let surface = plan.cargo == nil ? floorY : goodsTop(x0: gx0, x1: gx1) ?? floorY
                yBottom = max(surface, ceilingY + bagHeight + 20)
            }
            let (x0, x1) = span(d0, min(innerEnd - 5, d0 + bagLength * (atDoor ? 0.55 : 1)))
            let cx = (x0 + x1) / 2, cy = yBottom - bagHeight / 2
            let rx = (x1 - x0) / 2, ry = bagHeight / 2
            // Centre areal density so that the ellipsoid holds `perBag` kg: M = (2/3)π rx ry D₀.
            let area = 2.0 / 3.0 * Double.pi * (rx / 10) * (ry / 10)
            contraband.addEllipsoid(cx: cx, cy: cy, rx: rx, ry: ry, centreAreal: perBag * 1000 / area)
            boxes.append([x0, x1, cy - ry, cy + ry])
        }
        let x0 = boxes.map { $0[0] }.min()!, x1 = boxes.map { $0[1] }.max()!
        let y0 = boxes.map { $0[2] }.min()!, y1 = boxes.map { $0[3] }.max()!
        return (grid.bbox(x0: x0, x1: x1, y0: y0, y1: y1), contraband.massKg)
    }

    /// The highest y (smallest) where goods or packaging stand between x0 and x1, if any.
    func goodsTop(x0: Double, x1: Double) -> Double? {
        let c0 = max(0, grid.column(x0)), c1 = min(grid.width - 1, grid.column(x1))
        guard c0 <= c1 else { return nil }
        for r in 0..<grid.height {
            for c in c0...c1 {
                let i = r * grid.width + c
                if goods.density[i] + packaging.density[i] > 2 { return Double(r) * grid.pitchY }
            }
        }
        return nil
    }

    /// Cartons (or bags) inside the load partly replaced by pressed bricks. The bricks take a
    /// volume V = m / (1.2 g/cm³ × 85 % fill); seen from the side they fill a patch of the load
    /// to a depth t = V / area along the beam, and the goods that were there (t of the beam's
    /// path through the load) are gone. Net, the patch gains t × (1.02 − bulk density).
    mutating func concealInLoad(doorGap: Double, topClearance: Double) -> ([Int]?, Double) {
        let mass = contrabandMass() * 1.6
        let volumeCm3 = mass * 1000 / (1.2 * 0.85)
        let cargoTop = floorY - (plan.type.innerHeight - topClearance) + 150
        let path = plan.type.innerWidth / 10
        // A patch whose depth along the beam is 15 to 80 cm.
        let depth = rng.uniform(15, 80)
        let area = volumeCm3 / depth // cm²
        let aspect = rng.uniform(1, 2)
        let height = min(floorY - 250 - cargoTop, max(120, sqrt(area / aspect) * 10))
        let length = min(1500, max(120, area * 100 / height))
        let actualDepth = volumeCm3 / (length * height / 100)
        let d0 = rng.uniform(innerStart + 300, max(innerStart + 400, innerEnd - doorGap - length - 300))
        let yBottom = floorY - rng.uniform(200, max(220, floorY - cargoTop - height))
        let (x0, x1) = span(d0, d0 + length)
        let bbox = grid.bbox(x0: x0, x1: x1, y0: yBottom - height, y1: yBottom)
        goods.scale(bbox: bbox, by: max(0, 1 - actualDepth / path))
        contraband.addBox(x0: x0, x1: x1, y0: yBottom - height, y1: yBottom, areal: 1.02 * actualDepth)
        return (bbox, contraband.massKg)
    }

    mutating func hideInMachinery() -> ([Int]?, Double) {
        guard plan.type.isReefer else { return (nil, 0) }
        let mass = contrabandMass() * 0.8
        let depth = plan.type.machineryDepth
        let lower = bottom - 150
        let y0 = lower - rng.uniform(1300, 1700), y1 = y0 + rng.uniform(250, 450)
        let (x0, x1) = span(80, 40 + depth - 40)
        let areaCm2 = (x1 - x0) * (y1 - y0) / 100
        contraband.addBox(x0: x0, x1: x1, y0: y0, y1: y1, areal: mass * 1000 / areaCm2)
        return (grid.bbox(x0: x0, x1: x1, y0: y0, y1: y1), contraband.massKg)
    }
}
