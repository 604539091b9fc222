//! placeholder while property is built
