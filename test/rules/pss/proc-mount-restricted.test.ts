import { ruleTester } from '../../helpers/rule-tester.js';
import cases from './proc-mount-restricted.cases.js';

ruleTester(cases.rule, cases);
