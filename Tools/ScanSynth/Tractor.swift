import Foundation
import TriagePhysics

/// The tractor unit coupled ahead of the trailer, as a gantry or portal scanner that scans the
/// whole truck shows it (drive-through portals that spare the driver start after the cab; the
/// interchange contract's images are "one container on its chassis", which a scanner may still
/// send with the tractor in the picture). A cab-over 4x2 tractor: chassis rails, fifth wheel
/// under the trailer's front (the kingpin), drive and steer axles, engine and gearbox under
/// the cab, fuel tanks and battery box between the axles, the cab (sheet-steel shell whose
/// roof is a dense line across the truck's width, seats, dashboard, windscreen), and on half of
/// them a high roof or a roof fairing of glass fibre whose top reaches the trailer's roof
/// height: a second roof line beside the container's.
///
/// Dimensions are of common European and Brazilian tractors (wheelbase 3.5-3.9 m, cab roof
/// 2.95-3.2 m above the ground, high roofs 3.65-3.95 m); masses follow (about 6 t). Not
/// modelled: conventional (bonneted) tractors, exhaust stacks, a second drive axle.
public struct Tractor: Sendable {
    /// Distances forward of the trailer's front face, in mm (negative: under the container).
    public var driveAxle: Double
    public var steerAxle: Double
    public var kingpin: Double
    public var cabBack: Double
    public var cabFront: Double
    public var fuelTank: ClosedRange<Double>
    /// Heights above the ground, in mm.
    public var cabFloor: Double
    public var cabRoof: Double
    /// A high roof of glass fibre (the cab roof line then is that shell's, lighter than steel).
    public var highRoof: Bool
    /// A roof fairing rising behind a low cab roof to this height above the ground, or nil.
    public var fairingTop: Double?
    /// Air beyond the bumper to the image's edge, in mm.
    public var clearance: Double

    public init(driveAxle: Double, steerAxle: Double, kingpin: Double, cabBack: Double, cabFront: Double,
                fuelTank: ClosedRange<Double>, cabFloor: Double, cabRoof: Double, highRoof: Bool, fairingTop: Double?,
                clearance: Double) {
        self.driveAxle = driveAxle
        self.steerAxle = steerAxle
        self.kingpin = kingpin
        self.cabBack = cabBack
        self.cabFront = cabFront
        self.fuelTank = fuelTank
        self.cabFloor = cabFloor
        self.cabRoof = cabRoof
        self.highRoof = highRoof
        self.fairingTop = fairingTop
        self.clearance = clearance
    }

    /// A tractor of common dimensions whose cab roof (or, with `fairing`, whose roof fairing
    /// over a low roof) stands `roofTop` mm above the ground.
    public static func standard(roofTop: Double, fairing: Bool = false) -> Tractor {
        Tractor(driveAxle: -600, steerAxle: 3100, kingpin: -450, cabBack: 800, cabFront: 4400, fuelTank: 200...1400,
                cabFloor: 1350, cabRoof: fairing ? 3050 : roofTop, highRoof: !fairing, fairingTop: fairing ? roofTop : nil,
                clearance: 500)
    }

    /// A tractor drawn from `rng`; `trailerTop` is the container's top, in mm above the ground
    /// (a fairing is set to reach it, less up to 150 mm).
    public static func draw(_ rng: inout SeededRandom, trailerTop: Double) -> Tractor {
        let drive = -rng.uniform(500, 750)
        let steer = drive + rng.uniform(3500, 3900)
        let high = rng.chance(0.5)
        let roof = high ? rng.uniform(3650, 3950) : rng.uniform(2950, 3200)
        let fairing: Double? = !high && rng.chance(0.6) ? trailerTop - rng.uniform(0, 150) : nil
        let tankStart = drive + rng.uniform(650, 800)
        return Tractor(driveAxle: drive, steerAxle: steer, kingpin: drive + rng.uniform(50, 250),
                       cabBack: rng.uniform(600, 1000), cabFront: steer + rng.uniform(1200, 1450),
                       fuelTank: tankStart...(tankStart + rng.uniform(900, 1400)),
                       cabFloor: rng.uniform(1300, 1420), cabRoof: roof, highRoof: high, fairingTop: fairing,
                       clearance: rng.uniform(300, 700))
    }

    /// How far the tractor and the air beyond it reach forward of the trailer's front face (mm).
    public var reach: Double { cabFront + 80 + clearance }

    /// The truck's attenuation with the tractor coupled: `attenuation` (row-major on `grid`) is
    /// widened on the trailer's front side as far as the tractor needs (air), and the
    /// tractor's μ·D at `effectiveMeV` added. `face` is the trailer's front face (mm from the
    /// image's left edge), `frontOnLeft` whether the front is the image's left end; `ground`
    /// and `trailerBottom` are rows' positions in mm from the top. Returns the widened
    /// attenuation, its grid, and by how many columns the old picture moved right.
    public func coupled(to attenuation: [Double], grid: SceneGrid, face: Double, frontOnLeft: Bool, ground: Double,
                        trailerBottom: Double, effectiveMeV: Double) -> (attenuation: [Double], grid: SceneGrid, shift: Int) {
        let existing = frontOnLeft ? face : Double(grid.width) * grid.pitchX - face
        let added = max(0, Int(((reach - existing) / grid.pitchX).rounded(.up)))
        let wide = SceneGrid(width: grid.width + added, height: grid.height, pitchX: grid.pitchX, pitchY: grid.pitchY)
        let shift = frontOnLeft ? added : 0
        var out = [Double](repeating: 0, count: wide.width * wide.height)
        for r in 0..<grid.height {
            for c in 0..<grid.width { out[r * wide.width + c + shift] = attenuation[r * grid.width + c] }
        }
        let newFace = face + Double(shift) * grid.pitchX
        for layer in layers(grid: wide, face: newFace, frontOnLeft: frontOnLeft, ground: ground, trailerBottom: trailerBottom) {
            let mu = layer.material.massAttenuation(atMeV: effectiveMeV)
            for index in out.indices where layer.density[index] != 0 { out[index] += mu * Double(layer.density[index]) }
        }
        return (out, wide, shift)
    }

    /// The tractor's density layers on `grid`, its front face at x = `face` mm, forward
    /// toward smaller x when `frontOnLeft`; `ground` and `trailerBottom` in mm from the top.
    public func layers(grid: SceneGrid, face: Double, frontOnLeft: Bool, ground: Double, trailerBottom: Double) -> [DensityLayer] {
        var steel = DensityLayer(.iron, grid: grid), aluminium = DensityLayer(.aluminium, grid: grid)
        var rubber = DensityLayer(.polyethylene, grid: grid), diesel = DensityLayer(.water, grid: grid)
        var glass = DensityLayer(.sand, grid: grid), lead = DensityLayer(.lead, grid: grid)
        var plastic = DensityLayer(.polyethylene, grid: grid)
        // x of a distance forward of the face; y of a height above the ground.
        func xs(_ t0: Double, _ t1: Double) -> (Double, Double) {
            let a = frontOnLeft ? face - t0 : face + t0, b = frontOnLeft ? face - t1 : face + t1
            return (min(a, b), max(a, b))
        }
        func box(_ layer: inout DensityLayer, t: (Double, Double), h: (Double, Double), areal: Double) {
            let (x0, x1) = xs(t.0, t.1)
            layer.addBox(x0: x0, x1: x1, y0: ground - h.1, y1: ground - h.0, areal: areal)
        }
        let width = 230.0  // cm across the truck: a sheet spanning it is that long along the beam
        // Chassis rails (two C-channels, 300 mm deep: webs 8 mm, flanges 80 mm wide).
        let rails = (driveAxle - 900, cabFront - 100)
        box(&steel, t: rails, h: (850, 1150), areal: 2 * 0.8 * 7.87)
        box(&steel, t: rails, h: (850, 860), areal: 2 * 8 * 7.87)
        box(&steel, t: rails, h: (1140, 1150), areal: 2 * 8 * 7.87)
        // Fifth wheel under the trailer's chassis beams (their bottom 300 mm below the box).
        let plateTop = ground - (trailerBottom + 300)
        box(&steel, t: (kingpin - 450, kingpin + 450), h: (plateTop - 60, plateTop), areal: 7.87 * 90 * 0.35)
        box(&steel, t: (kingpin - 350, kingpin + 350), h: (1150, plateTop - 60), areal: 2 * 1.5 * 7.87)
        // Wheels: dual tyres on the drive axle, single on the steer axle; rims, hubs.
        let radius = 510.0
        for (axle, tyres) in [(driveAxle, 4.0), (steerAxle, 2.0)] {
            let (cx, _) = xs(axle, axle)
            let cy = ground - radius
            rubber.addDisk(cx: cx, cy: cy, radius: radius, inner: 290, areal: tyres * 25 * 1.15 * 0.5)
            steel.addDisk(cx: cx, cy: cy, radius: 290, inner: 100, areal: tyres * 2 * 1.0 * 7.87)
            steel.addDisk(cx: cx, cy: cy, radius: 100, areal: 2 * 15 * 7.87)
            // The axle across the truck, seen end-on.
            steel.addDisk(cx: cx, cy: cy, radius: 64, areal: 180 * 7.87 * 0.35)
        }
        // The drive axle's differential housing.
        box(&steel, t: (driveAxle - 250, driveAxle + 250), h: (380, 640), areal: 7.87 * 50)
        // Drive train: engine block under the cab, gearbox behind it, the shaft to the drive axle.
        box(&steel, t: (steerAxle - 400, steerAxle + 700), h: (650, 1500), areal: 7.2 * 70 * 0.33)
        box(&aluminium, t: (steerAxle - 450, steerAxle + 750), h: (1450, 1600), areal: 2.7 * 40 * 0.3)
        box(&steel, t: (steerAxle - 1100, steerAxle - 400), h: (700, 1200), areal: 7.87 * 45 * 0.25)
        box(&steel, t: (driveAxle + 300, steerAxle - 1100), h: (720, 820), areal: 7.87 * 3)
        // Fuel tanks (one each side: diesel, aluminium shells) and the battery box.
        box(&diesel, t: (fuelTank.lowerBound, fuelTank.upperBound), h: (450, 1050), areal: 0.84 * 2 * 55 * 0.85)
        box(&aluminium, t: (fuelTank.lowerBound, fuelTank.upperBound), h: (450, 1050), areal: 2 * 2 * 0.3 * 2.7)
        let battery = fuelTank.upperBound + 100
        box(&lead, t: (battery, battery + 450), h: (600, 1000), areal: 11.35 * 6)
        box(&plastic, t: (battery, battery + 450), h: (600, 1000), areal: 0.94 * 20)
        // The cab: side sheets, floor and roof sheets across the width, back and front walls,
        // seats, dashboard, the bunk, the windscreen; radiator and bumper in front.
        let cab = (cabBack, cabFront)
        box(&steel, t: cab, h: (cabFloor, cabRoof), areal: 2 * 0.1 * 7.87 + 6)  // sheets; frame, trim, doors
        box(&steel, t: cab, h: (cabFloor - 2, cabFloor), areal: 7.87 * width)
        if highRoof {
            box(&glass, t: cab, h: (cabRoof - 4, cabRoof), areal: 1.8 * width)
            box(&steel, t: cab, h: (3000, 3001), areal: 7.87 * width * 0.3)
        } else {
            box(&steel, t: cab, h: (cabRoof - 1, cabRoof), areal: 7.87 * width)
        }
        box(&steel, t: (cabBack, cabBack + 1.5), h: (cabFloor, cabRoof), areal: 7.87 * width)
        box(&steel, t: (cabBack + 50, cabBack + 750), h: (cabFloor + 400, cabFloor + 650), areal: 10)
        box(&steel, t: (cabFront - 1500, cabFront - 900), h: (cabFloor, cabFloor + 1100), areal: 15)
        box(&plastic, t: (cabFront - 550, cabFront - 100), h: (cabFloor + 500, cabFloor + 1100), areal: 25)
        box(&glass, t: (cabFront - 80, cabFront), h: (cabFloor + 900, cabRoof - 200), areal: 2.5 * width * 6 / 80)
        box(&steel, t: (cabFront - 80, cabFront), h: (cabFloor, cabFloor + 900), areal: 7.87 * width * 1.5 / 80)
        if let top = fairingTop, top > cabRoof + 100 {
            let fairing = (cabBack, cabBack + min(1600, cabFront - cabBack - 300))
            box(&glass, t: fairing, h: (cabRoof, top), areal: 2 * 0.4 * 1.8)
            box(&glass, t: fairing, h: (top - 4, top), areal: 1.8 * width)
        }
        box(&aluminium, t: (cabFront - 250, cabFront - 150), h: (700, 1900), areal: 2.7 * 8)
        box(&steel, t: (cabFront - 80, cabFront + 80), h: (450, 800), areal: 2 * 0.4 * 7.87 + 10)
        return [steel, aluminium, rubber, diesel, glass, lead, plastic]
    }
}
