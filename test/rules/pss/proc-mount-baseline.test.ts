import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './proc-mount-baseline.cases.js';

ruleTester(cases.rule, cases);
