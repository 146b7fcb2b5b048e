fn main() {
    println!("procure");
}
