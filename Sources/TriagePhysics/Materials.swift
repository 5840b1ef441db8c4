import Foundation
/// Mass attenuation coefficients μ/ρ (cm²/g) of the materials that matter in cargo, at the
/// photon energies of cargo linacs.
///
/// Values are NIST XCOM (total with coherent scattering), the same numbers as
/// `shared/testdata/physics/mass_attenuation_1-9MeV.csv` (a test checks they agree). Between
/// tabulated energies μ/ρ is interpolated linearly in log(E).
///
/// A bremsstrahlung beam with end-point energy E₀ behaves, for attenuation through cargo, like
/// monoenergetic photons of roughly E₀/3 (the spectrum's mean energy): 2 MeV for a 6 MeV linac.
/// ``effectiveEnergy(endpointMeV:)`` encodes that rule.
public enum Material: String, CaseIterable, Sendable, Codable {
    case water, polyethylene, cellulose, aluminium, iron, lead, cocaine, sand, bananaLike

    /// Tabulated energies (MeV).
    public static let energies: [Double] = [1, 2, 4, 6, 9]

    /// μ/ρ in cm²/g at ``energies``.
    public var massAttenuation: [Double] {
        switch self {
        case .water: [0.070723, 0.049422, 0.034029, 0.027698, 0.023128]
        case .polyethylene: [0.072629, 0.050647, 0.034437, 0.027606, 0.022527]
        case .cellulose: [0.067566, 0.047203, 0.032447, 0.026361, 0.021947]
        case .aluminium: [0.06146, 0.04324, 0.03106, 0.02655, 0.02369]
        case .iron: [0.05995, 0.04265, 0.03312, 0.03057, 0.02987]
        case .lead: [0.07102, 0.04607, 0.04198, 0.04391, 0.04823]
        case .cocaine: [0.068016, 0.047488, 0.03252, 0.0263, 0.021747]
        case .sand: [0.063669, 0.044698, 0.031654, 0.026623, 0.023263]
        case .bananaLike: [0.069907, 0.048851, 0.033636, 0.027377, 0.02286]
        }
    }

    /// Density of the solid material (g/cm³); bulk cargo is much lighter.
    public var density: Double {
        switch self {
        case .water: 1.0
        case .polyethylene: 0.94
        case .cellulose: 1.5
        case .aluminium: 2.699
        case .iron: 7.874
        case .lead: 11.35
        case .cocaine: 1.2
        case .sand: 1.6
        case .bananaLike: 0.95
        }
    }

    /// The name used in the physics CSV.
    public var tableName: String {
        switch self {
        case .sand: "sand_SiO2"
        case .bananaLike: "banana_like"
        default: rawValue
        }
    }

    /// μ/ρ at `energy` MeV, interpolated in log(E), clamped to the table's range.
    public func massAttenuation(atMeV energy: Double) -> Double {
        let table = massAttenuation
        let energies = Self.energies
        if energy <= energies[0] { return table[0] }
        if energy >= energies[energies.count - 1] { return table[table.count - 1] }
        var upper = 1
        while energies[upper] < energy { upper += 1 }
        let lower = upper - 1
        let t = (log(energy) - log(energies[lower])) / (log(energies[upper]) - log(energies[lower]))
        return table[lower] + t * (table[upper] - table[lower])
    }

    /// The monoenergetic equivalent of a linac with this end-point energy.
    public static func effectiveEnergy(endpointMeV: Double) -> Double { endpointMeV / 3 }
}
