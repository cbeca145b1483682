use super::*;

#[test]
fn rounding_is_half_away_from_zero() {
    assert_eq!(pct_hundredths(1, 8), 1250);
    assert_eq!(pct_hundredths(1, 3), 3333);
    assert_eq!(pct_hundredths(2, 3), 6667);
    // 100 × 1/800 = 0.125 % → 0.13 %
    assert_eq!(pct_hundredths(1, 800), 13);
    assert_eq!(pct_hundredths(1, 80_000), 0);
    assert_eq!(pct_hundredths(0, 0), 0);
    assert_eq!(pct(5, 6), 83.33);
}

#[test]
fn status_rules() {
    assert_eq!(Status::from_counts(3, 0, 3), Status::Covered);
    assert_eq!(Status::from_counts(2, 1, 3), Status::Waived);
    assert_eq!(Status::from_counts(0, 3, 3), Status::Waived);
    assert_eq!(Status::from_counts(1, 0, 3), Status::Partial);
    assert_eq!(Status::from_counts(0, 1, 3), Status::Partial);
    assert_eq!(Status::from_counts(0, 0, 3), Status::Uncovered);
    assert_eq!(Status::from_counts(0, 0, 0), Status::Uncovered);
}
